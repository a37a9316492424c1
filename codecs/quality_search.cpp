#include "codecs/quality_search.hpp"

#include <algorithm>
#include <cmath>

namespace pvenc::codecs {
namespace {

// A copy of `source` that owns only its middle probe_sample_frames frames.
segment_source sample_of(const segment_source& source) {
  std::vector<std::int64_t> owned;
  for (const auto& p : source.packets)
    if (p.pts >= source.start_pts && p.pts < source.end_pts) owned.push_back(p.pts);
  std::sort(owned.begin(), owned.end());
  segment_source sample = source;
  if (static_cast<std::int64_t>(owned.size()) <= probe_sample_frames) return sample;
  std::size_t first = (owned.size() - probe_sample_frames) / 2;
  sample.start_pts = owned[first];
  sample.end_pts = owned[first + probe_sample_frames];
  return sample;
}

// The CRF at which quality is expected to equal `target`, from two probes (quality falls as
// the CRF rises), rounded down so that the target is met; clamped to [lo, hi].
int interpolate(const quality_probe& a, const quality_probe& b, double target, int lo, int hi) {
  if (a.crf == b.crf || a.value == b.value)
    return std::clamp(a.value >= target ? a.crf : lo, lo, hi);
  double crf = a.crf + (target - a.value) * (b.crf - a.crf) / (b.value - a.value);
  return std::clamp(static_cast<int>(std::floor(crf)), lo, hi);
}

class searcher {
 public:
  searcher(const segment_source& source, const video_encode_settings& settings,
           const segment_hooks& hooks)
      : source_(source), settings_(settings), hooks_(hooks), sample_(sample_of(source)) {
    probe_hooks_.cancel = hooks.cancel;
    measuring_ = settings;
    measuring_.use_crf = true;
    if (settings.target_metric == "psnr") measuring_.measure_psnr = true;
    if (settings.target_metric == "ssim") measuring_.measure_ssim = true;
  }

  int choose_crf() {
    int lo = settings_.crf_min, hi = settings_.crf_max;
    quality_probe first = probe(std::clamp(settings_.crf, lo, hi));
    bool above = first.value >= target();
    quality_probe second = probe(std::clamp(first.crf + (above ? 6 : -6), lo, hi));
    int crf = interpolate(first, second, target(), lo, hi);
    bool inside = crf >= std::min(first.crf, second.crf) && crf <= std::max(first.crf, second.crf);
    if (inside || crf == first.crf || crf == second.crf) return crf;
    // Extrapolated: one more probe there, then interpolate from the nearer pair.
    quality_probe third = probe(crf);
    const quality_probe& near =
        std::abs(first.crf - crf) < std::abs(second.crf - crf) ? first : second;
    return interpolate(near, third, target(), lo, hi);
  }

  encoded_video encode_at(int crf) {
    video_encode_settings s = measuring_;
    s.crf = crf;
    encoded_video out = encode_segment(source_, s, hooks_);
    out.probes = probes_;
    return out;
  }

  double target() const { return settings_.target; }
  double value_of(const encoded_video& out) const {
    return quality_value(out.quality.totals(), settings_.target_metric);
  }

 private:
  quality_probe probe(int crf) {
    for (const auto& p : probes_)
      if (p.crf == crf) return p;
    video_encode_settings s = measuring_;
    s.crf = crf;
    encoded_video out = encode_segment(sample_, s, probe_hooks_);
    probes_.push_back({crf, value_of(out)});
    return probes_.back();
  }

  const segment_source& source_;
  const video_encode_settings& settings_;
  const segment_hooks& hooks_;
  segment_hooks probe_hooks_;  // cancellable, no progress reports
  video_encode_settings measuring_;
  segment_source sample_;
  std::vector<quality_probe> probes_;
};

}  // namespace

double quality_value(const quality_totals& totals, const std::string& metric) {
  return metric == "ssim" ? totals.ssim : totals.psnr;
}

encoded_video encode_to_target(const segment_source& source, const video_encode_settings& settings,
                               const segment_hooks& hooks) {
  searcher search(source, settings, hooks);
  int crf = search.choose_crf();
  encoded_video out = search.encode_at(crf);
  // The sample may flatter the segment: step down (at most twice) while the whole misses.
  constexpr int step = 2;
  for (int tries = 0; tries < 2 && crf > settings.crf_min && search.value_of(out) < search.target();
       ++tries) {
    crf = std::max(settings.crf_min, crf - step);
    out = search.encode_at(crf);
  }
  return out;
}

encoded_video encode_to_bitrate(const segment_source& source, const video_encode_settings& settings,
                                const segment_hooks& hooks) {
  double seconds = (source.end_pts - source.start_pts) * source.video.time_base.to_double();
  auto bitrate_of = [&](const encoded_video& v) { return seconds > 0 ? v.bytes * 8 / seconds : 0; };
  const double wanted = static_cast<double>(settings.bitrate);
  video_encode_settings s = settings;
  encoded_video best = encode_segment(source, s, hooks);
  auto miss = [&](const encoded_video& v) { return std::abs(bitrate_of(v) / wanted - 1); };
  for (int tries = 0; tries < 2 && seconds > 0 && miss(best) > bitrate_tolerance; ++tries) {
    double scale = std::clamp(wanted / std::max(1.0, bitrate_of(best)), 0.25, 4.0);
    s.bitrate = std::max<std::int64_t>(1000, std::llround(s.bitrate * scale));
    encoded_video again = encode_segment(source, s, hooks);
    if (miss(again) < miss(best)) best = std::move(again);
  }
  return best;
}

}  // namespace pvenc::codecs
