#include "actors/segment_plan.hpp"

#include <algorithm>
#include <numeric>

namespace pvenc::actors {
namespace {

using codecs::packet_entry;

// How far past the next segment's first packet to look for its leading pictures (frames that
// are decoded after it but shown before it, in open-GOP streams).
constexpr std::int64_t leading_picture_window = 64;

struct timeline {
  const std::vector<packet_entry>& packets;
  double tb = 0;                         // seconds per tick
  std::vector<std::int64_t> sorted_pts;  // presentation order
  std::int64_t end_pts = 0;              // the video's end (exclusive)

  std::int64_t count() const { return static_cast<std::int64_t>(packets.size()); }
  double seconds(std::int64_t pts) const { return (pts - sorted_pts.front()) * tb; }
  std::int64_t frames_before(std::int64_t pts) const {
    return std::lower_bound(sorted_pts.begin(), sorted_pts.end(), pts) - sorted_pts.begin();
  }
};

// The packet indices (decode order) where segments start, chosen among keyframes.
std::vector<std::int64_t> choose_starts(const timeline& t, const plan_options& options) {
  std::vector<std::int64_t> starts{0};
  double video_end = t.seconds(t.end_pts);
  std::int64_t bytes = 0;
  for (std::int64_t i = 0; i < t.count(); ++i) {
    const packet_entry& p = t.packets[i];
    if (i > 0 && p.keyframe) {
      double length = t.seconds(p.pts) - t.seconds(t.packets[starts.back()].pts);
      bool long_enough = length >= options.duration - 1e-9 || bytes >= options.max_bytes;
      bool min_ok = length >= options.min_duration - 1e-9;
      bool tail_ok = video_end - t.seconds(p.pts) >= options.min_duration - 1e-9;
      if (long_enough && min_ok && tail_ok) {
        starts.push_back(i);
        bytes = 0;
      }
    }
    bytes += p.size;
  }
  return starts;
}

// The latest clean start (IDR) at or before `index`; 0 (the file's start) if there is none.
std::int64_t clean_start_before(const timeline& t, std::int64_t index) {
  for (std::int64_t i = index; i > 0; --i)
    if (t.packets[i].clean_start) return i;
  return 0;
}

// One past the last packet (decode order) showing a frame before `end_pts`, searching from
// `next_start` (the next segment's first packet).
std::int64_t read_end(const timeline& t, std::int64_t next_start, std::int64_t end_pts) {
  std::int64_t end = next_start;
  std::int64_t limit = std::min(t.count(), next_start + leading_picture_window);
  for (std::int64_t i = next_start; i < limit; ++i)
    if (t.packets[i].pts < end_pts) end = i + 1;
  return end;
}

}  // namespace

segment_plan plan_segments(const codecs::media_info& info, const plan_options& options) {
  const auto& packets = info.video.packets;
  timeline t{packets, info.video.params.time_base.to_double(), {}, 0};
  for (const auto& p : packets) t.sorted_pts.push_back(p.pts);
  std::sort(t.sorted_pts.begin(), t.sorted_pts.end());
  t.end_pts = t.sorted_pts.front() + static_cast<std::int64_t>(info.video.duration_s / t.tb + 0.5);
  t.end_pts = std::max(t.end_pts, t.sorted_pts.back() + 1);

  std::vector<std::int64_t> starts = choose_starts(t, options);
  segment_plan plan;
  for (std::size_t k = 0; k < starts.size(); ++k) {
    bool last = k + 1 == starts.size();
    segment_spec s;
    s.id = static_cast<int>(k);
    s.start_pts = k == 0 ? t.sorted_pts.front() : packets[starts[k]].pts;
    s.end_pts = last ? t.end_pts : packets[starts[k + 1]].pts;
    s.first_packet = k == 0 ? 0 : clean_start_before(t, starts[k]);
    s.preroll_packets = k == 0 ? 0 : starts[k] - s.first_packet;
    std::int64_t end = last ? t.count() : read_end(t, starts[k + 1], s.end_pts);
    s.packet_count = end - s.first_packet;
    s.start_frame = t.frames_before(s.start_pts);
    s.end_frame = t.frames_before(s.end_pts);
    for (std::int64_t i = starts[k]; i < (last ? t.count() : starts[k + 1]); ++i)
      s.source_bytes += packets[i].size;
    s.start_s = t.seconds(s.start_pts);
    s.duration_s = (s.end_pts - s.start_pts) * t.tb;
    plan.segments.push_back(s);
  }
  plan.queue_order.resize(plan.segments.size());
  std::iota(plan.queue_order.begin(), plan.queue_order.end(), 0);
  if (options.by_cost)
    std::stable_sort(plan.queue_order.begin(), plan.queue_order.end(), [&](int a, int b) {
      const auto& x = plan.segments[a];
      const auto& y = plan.segments[b];
      return x.end_frame - x.start_frame + x.preroll_packets / 8 >
             y.end_frame - y.start_frame + y.preroll_packets / 8;
    });
  return plan;
}

}  // namespace pvenc::actors
