#include "actors/segment_plan.hpp"

#include <algorithm>
#include <numeric>

namespace pvenc::actors {
namespace {

using codecs::packet_entry;

struct cut_context {
  const std::vector<packet_entry>& packets;
  double tb;                              // seconds per tick
  std::vector<std::int64_t> sorted_pts;   // presentation order
  std::int64_t end_pts;                   // the video's end
};

// Packet indices where a segment may start: keyframes (the first packet always).
std::vector<std::int64_t> cut_candidates(const std::vector<packet_entry>& packets) {
  std::vector<std::int64_t> cuts{0};
  for (std::int64_t i = 1; i < static_cast<std::int64_t>(packets.size()); ++i)
    if (packets[i].keyframe) cuts.push_back(i);
  return cuts;
}

// Smallest pts of packets [first, last).
std::int64_t min_pts(const cut_context& c, std::int64_t first, std::int64_t last) {
  std::int64_t m = INT64_MAX;
  for (std::int64_t i = first; i < last; ++i) m = std::min(m, c.packets[i].pts);
  return m;
}

segment_spec make_spec(const cut_context& c, int id, std::int64_t first, std::int64_t last,
                       std::int64_t next_start_pts) {
  segment_spec s;
  s.id = id;
  s.first_packet = first;
  s.packet_count = last - first;
  s.start_pts = min_pts(c, first, last);
  s.end_pts = next_start_pts;
  auto lo = std::lower_bound(c.sorted_pts.begin(), c.sorted_pts.end(), s.start_pts);
  auto hi = std::lower_bound(c.sorted_pts.begin(), c.sorted_pts.end(), s.end_pts);
  s.start_frame = lo - c.sorted_pts.begin();
  s.end_frame = hi - c.sorted_pts.begin();
  for (std::int64_t i = first; i < last; ++i) s.source_bytes += c.packets[i].size;
  s.start_s = (s.start_pts - c.sorted_pts.front()) * c.tb;
  s.duration_s = (s.end_pts - s.start_pts) * c.tb;
  return s;
}

}  // namespace

segment_plan plan_segments(const codecs::media_info& info, const plan_options& options) {
  const auto& packets = info.video.packets;
  cut_context c{packets, info.video.params.time_base.to_double(), {}, 0};
  for (const auto& p : packets) c.sorted_pts.push_back(p.pts);
  std::sort(c.sorted_pts.begin(), c.sorted_pts.end());
  c.end_pts = c.sorted_pts.front() +
              static_cast<std::int64_t>(info.video.duration_s / c.tb + 0.5);
  c.end_pts = std::max(c.end_pts, c.sorted_pts.back() + 1);

  // Choose the starts: walk the keyframes, cut when the running segment is long enough
  // (or its source data too big), and never leave a tail shorter than min_duration.
  std::vector<std::int64_t> cuts = cut_candidates(packets);
  auto start_time = [&](std::int64_t packet) { return packets[packet].pts * c.tb; };
  double video_end = c.end_pts * c.tb;
  std::vector<std::int64_t> starts{0};
  std::int64_t bytes = 0;
  std::size_t next_cut = 1;
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(packets.size()); ++i) {
    if (next_cut < cuts.size() && cuts[next_cut] == i) {
      ++next_cut;
      double length = start_time(i) - start_time(starts.back());
      bool long_enough = length >= options.duration - 1e-9 ||
                         (bytes >= options.max_bytes && length >= 1e-9);
      bool tail_ok = video_end - start_time(i) >= options.min_duration - 1e-9;
      if (long_enough && tail_ok && length >= options.min_duration - 1e-9) {
        starts.push_back(i);
        bytes = 0;
      }
    }
    bytes += packets[i].size;
  }

  segment_plan plan;
  for (std::size_t k = 0; k < starts.size(); ++k) {
    std::int64_t first = starts[k];
    std::int64_t last = k + 1 < starts.size() ? starts[k + 1] : packets.size();
    std::int64_t next_pts = k + 1 < starts.size() ? min_pts(c, last, starts.size() > k + 2
                                                                         ? starts[k + 2]
                                                                         : packets.size())
                                                  : c.end_pts;
    plan.segments.push_back(make_spec(c, static_cast<int>(k), first, last, next_pts));
  }
  plan.queue_order.resize(plan.segments.size());
  std::iota(plan.queue_order.begin(), plan.queue_order.end(), 0);
  if (options.by_cost)
    std::stable_sort(plan.queue_order.begin(), plan.queue_order.end(), [&](int a, int b) {
      return plan.segments[a].end_frame - plan.segments[a].start_frame >
             plan.segments[b].end_frame - plan.segments[b].start_frame;
    });
  return plan;
}

}  // namespace pvenc::actors
