#include "actors/segment_plan.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

namespace pvenc::actors {
namespace {

using codecs::packet_entry;

// How far past the next segment's first packet to look for its leading pictures (frames that
// are decoded after it but shown before it, in open-GOP streams).
constexpr std::int64_t leading_picture_window = 64;
constexpr double eps = 1e-9;

struct frame_entry {
  std::int64_t pts = 0;
  std::int64_t index = 0;  // its packet, in decode order
  bool keyframe = false;
  std::int64_t size = 0;
};

struct timeline {
  const std::vector<packet_entry>& packets;
  double tb = 0;                    // seconds per tick
  std::vector<frame_entry> frames;  // presentation order
  std::int64_t end_pts = 0;         // the video's end (exclusive)

  std::int64_t count() const { return static_cast<std::int64_t>(packets.size()); }
  double seconds(std::int64_t pts) const { return (pts - frames.front().pts) * tb; }
  double frame_s(std::size_t k) const { return seconds(frames[k].pts); }
  double end_s() const { return seconds(end_pts); }
};

// Where the segment starting at frame `s` may end: the next start must lie in [lo, hi).
struct window {
  std::size_t lo = 0, hi = 0;
  std::size_t target = 0;   // first frame at or after `duration` (or the byte limit)
  double max_duration = 0;  // the longest this segment may be (length_at)
};

// The lengths that apply to the segment starting at `start`.
struct length_rule {
  double duration = 0;      // the target
  double max_duration = 0;  // no longer than this
};

// `duration` and `max_duration` before the tail, except that a segment stops near where the
// tail begins (unless that is closer than min_duration); tail_duration inside it, and at most
// twice that (cutting between keyframes, decoded from the previous one, where needed).
length_rule length_at(const timeline& t, double start, const segment_rules& r) {
  if (r.tail_span <= 0 || r.tail_duration <= 0) return {r.duration, r.max_duration};
  double tail_start = t.end_s() - r.tail_span;
  if (start >= tail_start - eps)
    return {r.tail_duration, std::min(r.max_duration, 2 * r.tail_duration)};
  return {std::max(std::min(r.duration, tail_start - start), r.min_duration), r.max_duration};
}

window window_after(const timeline& t, std::size_t s, const plan_options& o) {
  const auto& r = o.rules;
  double start = t.frame_s(s);
  length_rule lengths = length_at(t, start, r);
  window w{t.frames.size(), s + 1, t.frames.size(), lengths.max_duration};
  std::int64_t bytes = 0;
  for (std::size_t k = s + 1; k < t.frames.size(); ++k) {
    bytes += t.frames[k - 1].size;
    double length = t.frame_s(k) - start;
    if (length > lengths.max_duration + eps || t.end_s() - t.frame_s(k) < r.min_duration - eps)
      break;
    if (length >= r.min_duration - eps && w.lo == t.frames.size()) w.lo = k;
    w.hi = k + 1;
    bool long_enough = length >= lengths.duration - eps || bytes >= o.max_bytes;
    if (long_enough && w.lo <= k && w.target == t.frames.size()) w.target = k;
  }
  if (w.lo == t.frames.size()) w.hi = w.lo;  // empty
  return w;
}

// The frame positions (presentation order) where segments start.
std::vector<std::size_t> choose_starts(const timeline& t, const plan_options& o,
                                       const std::set<std::int64_t>& cuts) {
  std::vector<std::size_t> starts{0};
  for (;;) {
    std::size_t s = starts.back();
    window w = window_after(t, s, o);
    if (w.lo >= w.hi) break;  // the rest is one segment
    std::size_t next = w.hi;
    for (std::size_t k = w.lo; k < w.hi && next == w.hi; ++k)
      if (cuts.count(static_cast<std::int64_t>(k))) next = k;  // 1. a scene cut
    if (next == w.hi && w.target < w.hi) {                     // 2. split a long scene
      for (std::size_t k = w.target; k < w.hi && next == w.hi; ++k)
        if (t.frames[k].keyframe) next = k;
      // No keyframe after `duration`: cut earlier, or between keyframes (decoding from the
      // previous one), only when the rest would otherwise be longer than max_duration.
      bool too_long = t.end_s() - t.frame_s(s) > w.max_duration + eps;
      for (std::size_t k = w.target; k > w.lo && next == w.hi && too_long; --k)
        if (t.frames[k - 1].keyframe) next = k - 1;
      if (next == w.hi && too_long) next = w.target;
    }
    if (next == w.hi) break;  // nothing long enough yet: the rest is one segment
    starts.push_back(next);
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

double mean_over(const std::vector<float>& values, std::int64_t from, std::int64_t to) {
  to = std::min<std::int64_t>(to, values.size());
  if (from >= to) return 0;
  return std::accumulate(values.begin() + from, values.begin() + to, 0.0) / (to - from);
}

// Motion, detail and complexity of each segment, relative to the whole video, and the bitrate
// factors that follow them (square root of the complexity, within 0.6..1.6, then scaled so that
// their frame-weighted mean is 1: the file's total stays at the job's bitrate).
void score_segments(segment_plan& plan, const scene_info& scenes) {
  if (scenes.motion.empty()) return;
  auto n = static_cast<std::int64_t>(scenes.motion.size());
  double motion_all = mean_over(scenes.motion, 1, n);
  double detail_all = mean_over(scenes.detail, 0, n);
  double weighted = 0, frames = 0;
  for (auto& s : plan.segments) {
    s.motion = mean_over(scenes.motion, std::max<std::int64_t>(1, s.start_frame), s.end_frame);
    s.detail = mean_over(scenes.detail, s.start_frame, s.end_frame);
    double m = motion_all > 0 ? s.motion / motion_all : 1;
    double d = detail_all > 0 ? s.detail / detail_all : 1;
    s.complexity = 0.6 * m + 0.4 * d;
    s.bitrate_factor = std::clamp(std::sqrt(s.complexity), 0.6, 1.6);
    weighted += s.bitrate_factor * (s.end_frame - s.start_frame);
    frames += s.end_frame - s.start_frame;
  }
  if (weighted > 0)
    for (auto& s : plan.segments) s.bitrate_factor *= frames / weighted;
}

// The video's frames in presentation order. REQUIRES: info.video.packets is not empty.
timeline make_timeline(const codecs::media_info& info) {
  const auto& packets = info.video.packets;
  timeline t{packets, info.video.params.time_base.to_double(), {}, 0};
  for (std::size_t i = 0; i < packets.size(); ++i)
    t.frames.push_back(
        {packets[i].pts, static_cast<std::int64_t>(i), packets[i].keyframe, packets[i].size});
  std::stable_sort(t.frames.begin(), t.frames.end(),
                   [](const frame_entry& a, const frame_entry& b) { return a.pts < b.pts; });
  t.frames.front().keyframe = true;  // the start is a start whatever the flags say
  t.end_pts = t.frames.front().pts + static_cast<std::int64_t>(info.video.duration_s / t.tb + 0.5);
  t.end_pts = std::max(t.end_pts, t.frames.back().pts + 1);
  return t;
}

}  // namespace

segment_plan plan_segments(const codecs::media_info& info, const plan_options& options) {
  timeline t = make_timeline(info);
  std::set<std::int64_t> cuts(options.scenes.cut_frames.begin(), options.scenes.cut_frames.end());
  std::vector<std::size_t> starts = choose_starts(t, options, cuts);
  segment_plan plan;
  for (std::size_t k = 0; k < starts.size(); ++k) {
    bool last = k + 1 == starts.size();
    std::size_t first = starts[k], next = last ? t.frames.size() : starts[k + 1];
    std::int64_t first_index = t.frames[first].index;
    segment_spec s;
    s.id = static_cast<int>(k);
    s.start_pts = t.frames[first].pts;
    s.end_pts = last ? t.end_pts : t.frames[next].pts;
    s.first_packet = k == 0 ? 0 : clean_start_before(t, first_index);
    s.preroll_packets = k == 0 ? 0 : first_index - s.first_packet;
    std::int64_t end = last ? t.count() : read_end(t, t.frames[next].index, s.end_pts);
    s.packet_count = end - s.first_packet;
    s.start_frame = static_cast<std::int64_t>(first);
    s.end_frame = static_cast<std::int64_t>(next);
    for (std::size_t f = first; f < next; ++f) {
      s.source_bytes += t.frames[f].size;
      if (f > first && cuts.count(static_cast<std::int64_t>(f)))
        s.keyframe_pts.push_back(t.frames[f].pts);
    }
    s.start_s = t.seconds(s.start_pts);
    s.duration_s = (s.end_pts - s.start_pts) * t.tb;
    plan.segments.push_back(s);
  }
  score_segments(plan, options.scenes);
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

segment_split split_segment(const codecs::media_info& info, const segment_spec& parent,
                            std::int64_t at_frame, int id) {
  timeline t = make_timeline(info);
  auto at = static_cast<std::size_t>(at_frame);
  segment_split out{parent, parent};
  segment_spec& rest = out.rest;
  rest.id = id;
  rest.start_frame = at_frame;
  rest.start_pts = t.frames[at].pts;
  rest.first_packet = clean_start_before(t, t.frames[at].index);
  rest.preroll_packets = t.frames[at].index - rest.first_packet;
  rest.packet_count = parent.first_packet + parent.packet_count - rest.first_packet;
  rest.source_bytes = 0;
  for (auto f = at; f < static_cast<std::size_t>(parent.end_frame); ++f)
    rest.source_bytes += t.frames[f].size;
  rest.keyframe_pts.clear();
  for (auto pts : parent.keyframe_pts)
    if (pts > rest.start_pts) rest.keyframe_pts.push_back(pts);
  rest.start_s = t.seconds(rest.start_pts);
  rest.duration_s = (rest.end_pts - rest.start_pts) * t.tb;

  segment_spec& head = out.head;
  head.end_frame = rest.start_frame;
  head.end_pts = rest.start_pts;
  head.source_bytes -= rest.source_bytes;
  head.duration_s = rest.start_s - head.start_s;
  std::int64_t end = read_end(t, t.frames[at].index, head.end_pts);
  head.packet_count = std::min(head.packet_count, end - head.first_packet);
  auto& cuts = head.keyframe_pts;
  cuts.erase(
      std::remove_if(cuts.begin(), cuts.end(), [&](auto pts) { return pts >= rest.start_pts; }),
      cuts.end());
  return out;
}

std::vector<std::int64_t> frame_pts(const codecs::media_info& info) {
  timeline t = make_timeline(info);
  std::vector<std::int64_t> out;
  out.reserve(t.frames.size());
  for (const auto& f : t.frames) out.push_back(f.pts);
  return out;
}

}  // namespace pvenc::actors
