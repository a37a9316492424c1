#include "codecs/segment_encoder.hpp"

#include <algorithm>
#include <deque>
#include <set>

#include "codecs/av_error.hpp"
#include "codecs/codec_params.hpp"
#include "codecs/decoder.hpp"
#include "codecs/frame_converter.hpp"
#include "codecs/output_checker.hpp"
#include "codecs/video_encoder.hpp"

extern "C" {
#include <libavutil/pixdesc.h>
}

namespace pvenc::codecs {
namespace {

// Decoded frames arrive in presentation order, so the k-th frame carries the k-th smallest pts
// of the segment's packets. This keeps source timestamps exact even where a decoder loses or
// guesses them (raw streams without timestamps). A frame the decoder drops (corrupt data)
// shifts the later frames of its segment by one timestamp.
class timestamp_queue {
 public:
  explicit timestamp_queue(const std::vector<media_packet>& packets) {
    for (const auto& p : packets) pts_.push_back(p.pts);
    std::sort(pts_.begin(), pts_.end());
  }
  bool empty() const { return pts_.empty(); }
  std::int64_t take() {
    std::int64_t ts = pts_.front();
    pts_.pop_front();
    return ts;
  }

 private:
  std::deque<std::int64_t> pts_;
};

// Maps source frames onto a constant output frame rate: output slot n (time n/fps) shows the
// last source frame at or before it. Slots are numbered on the whole file's timeline, so
// neighbouring segments never share or skip a slot.
class rate_converter {
 public:
  rate_converter(AVRational rate, AVRational source_tb, std::int64_t origin, std::int64_t end)
      : slot_tb_(av_inv_q(rate)), source_tb_(source_tb), origin_(origin), end_(end) {}

  // Calls `emit(slot)` for each slot that `frame_pts` (held until the next frame) covers,
  // given that the next frame starts at `next_pts` (or the segment's end).
  template <class Emit>
  void cover(std::int64_t frame_pts, std::int64_t next_pts, Emit&& emit) {
    if (first_) {
      next_slot_ = first_slot_at_or_after(frame_pts);
      first_ = false;
    }
    std::int64_t limit = std::min(next_pts, end_);
    while (slot_source_pts(next_slot_) < limit) emit(next_slot_++);
  }

 private:
  std::int64_t slot_source_pts(std::int64_t slot) const {
    return origin_ + av_rescale_q(slot, slot_tb_, source_tb_);
  }
  std::int64_t first_slot_at_or_after(std::int64_t pts) const {
    std::int64_t slot = av_rescale_q(pts - origin_, source_tb_, slot_tb_);
    while (slot > 0 && slot_source_pts(slot - 1) >= pts) --slot;
    while (slot_source_pts(slot) < pts) ++slot;
    return slot;
  }
  AVRational slot_tb_, source_tb_;
  std::int64_t origin_, end_;
  std::int64_t next_slot_ = 0;
  bool first_ = true;
};

struct segment_pipeline {
  segment_pipeline(const segment_source& src, const video_encode_settings& settings,
                   const segment_hooks& hooks)
      : source(src), hooks(hooks), dec(src.video, 1) {
    bool convert_rate = settings.frame_rate_num > 0;
    AVRational source_tb = to_av(src.video.time_base);
    AVRational rate = convert_rate ? AVRational{settings.frame_rate_num, settings.frame_rate_den}
                                   : to_av(src.video.frame_rate);
    video_stream_shape shape;
    shape.width = src.output_width;
    shape.height = src.output_height;
    shape.source_format = static_cast<AVPixelFormat>(src.video.format);
    shape.time_base = convert_rate ? av_inv_q(rate) : source_tb;
    shape.frame_rate = rate;
    shape.source = &src.video;
    enc = std::make_unique<video_encoder>(settings, shape);
    conv = std::make_unique<frame_converter>(shape.width, shape.height, enc->pixel_format());
    if (convert_rate)
      rates = std::make_unique<rate_converter>(rate, source_tb, src.origin_pts, src.end_pts);
    out.encoder = enc->encoder_name();
    out.crf = settings.use_crf ? settings.crf : -1;
    if (hooks.inject_failure) fail_at = owned_frames(src) / 2;
    if (settings.measure_psnr || settings.measure_ssim) {
      if (quality_meter::supports(enc->pixel_format()))
        checker = std::make_unique<output_checker>(enc->output_params(), settings.measure_psnr,
                                                   settings.measure_ssim);
      else
        out.quality_note = std::string("PSNR/SSIM need 8-bit YUV or gray; the encoder takes ") +
                           av_get_pix_fmt_name(enc->pixel_format());
    }
    keyframes.insert(src.keyframe_pts.begin(), src.keyframe_pts.end());
  }

  void on_decoded(AVFrame& frame) {
    if (pts.empty()) return;  // more frames than packets: not part of this segment
    std::int64_t ts = pts.take();
    if (ts < source.start_pts) return;
    if (ts >= source.end_pts || (hooks.end && !hooks.end->take(ts))) {
      past_end = true;  // frames come in presentation order: the rest is not ours either
      return;
    }
    bool key = keyframes.count(ts) > 0;
    if (!rates) {
      encode_one(frame, ts - source.origin_pts, key);
      return;
    }
    if (held) cover_held(ts);
    if (!held) held = make_frame();
    av_frame_unref(held.get());
    check_av(av_frame_ref(held.get(), &frame), "keeping a frame");
    held_pts = ts;
    held_key = key;
  }

  // Encodes the held frame into the output slots it covers until `next_pts`; a keyframe
  // request goes to its first slot.
  void cover_held(std::int64_t next_pts) {
    rates->cover(held_pts, next_pts, [&](std::int64_t slot) {
      encode_one(*held, slot, held_key);
      held_key = false;
    });
  }

  void finish() {
    if (fail_at >= 0) throw av_error("injected encoder failure (faults.fail_segments)");
    out.start_pts = source.start_pts;
    out.end_pts = hooks.end ? std::min(source.end_pts, hooks.end->close()) : source.end_pts;
    if (rates && held) cover_held(out.end_pts);
    enc->encode(nullptr, [&](AVPacket& p) { collect(p); });
    if (checker) {
      checker->finish();
      out.quality = checker->sums();
    }
  }

  // `key`: a scene cut, to be encoded as a keyframe.
  void encode_one(const AVFrame& frame, std::int64_t out_pts, bool key) {
    if (hooks.cancel && hooks.cancel->load()) throw av_error("cancelled");
    if (out.frames == fail_at) throw av_error("injected encoder failure (faults.fail_segments)");
    const AVFrame& converted = conv->convert(frame);
    frame_ptr input = make_frame();
    check_av(av_frame_ref(input.get(), &converted), "referencing a frame");
    input->pts = out_pts;
    // The encoder places keyframes (not the source), except at scene cuts.
    input->pict_type = key ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
    input->key_frame = 0;
    if (checker) checker->expect(*input);
    enc->encode(input.get(), [&](AVPacket& p) { collect(p); });
    ++out.frames;
    if (hooks.on_progress)
      hooks.on_progress(out.frames, static_cast<std::int64_t>(out.packets.size()));
  }

  void collect(AVPacket& pkt) {
    if (checker) checker->check(pkt);
    out.bytes += pkt.size;
    out.packets.push_back(to_media_packet(pkt));
  }

  const segment_source& source;
  const segment_hooks& hooks;
  decoder dec;
  std::unique_ptr<video_encoder> enc;
  std::unique_ptr<frame_converter> conv;
  std::unique_ptr<rate_converter> rates;
  std::unique_ptr<output_checker> checker;  // when measuring quality
  std::set<std::int64_t> keyframes;         // source pts to encode as keyframes
  timestamp_queue pts{source.packets};
  frame_ptr held;
  std::int64_t held_pts = 0;
  bool held_key = false;
  bool past_end = false;  // a frame at or after the end was decoded
  std::int64_t fail_at = -1;
  encoded_video out;
};

}  // namespace

std::int64_t owned_frames(const segment_source& source) {
  std::int64_t n = 0;
  for (const auto& p : source.packets) n += p.pts >= source.start_pts && p.pts < source.end_pts;
  return n;
}

void output_size(const stream_params& source, const video_encode_settings& settings, int& width,
                 int& height) {
  width = settings.width > 0 ? settings.width : source.width & ~1;
  height = settings.height > 0 ? settings.height : source.height & ~1;
}

encoded_video encode_segment(const segment_source& source, const video_encode_settings& settings,
                             const segment_hooks& hooks) {
  segment_pipeline pipe(source, settings, hooks);
  packet_ptr pkt = make_packet();
  auto sink = [&](AVFrame& f) { pipe.on_decoded(f); };
  for (const auto& packet : source.priming) {
    fill_av_packet(packet, *pkt);
    pipe.dec.prime(*pkt);
  }
  for (const auto& packet : source.packets) {
    if (pipe.past_end) break;
    fill_av_packet(packet, *pkt);
    pipe.dec.decode(pkt.get(), sink);
  }
  if (!pipe.past_end) pipe.dec.decode(nullptr, sink);
  pipe.finish();
  pipe.out.corrupt_packets = pipe.dec.corrupt_packets();
  pipe.out.params = pipe.enc->output_params();
  if (hooks.on_progress) hooks.on_progress(pipe.out.frames, pipe.out.frames);
  return std::move(pipe.out);
}

}  // namespace pvenc::codecs
