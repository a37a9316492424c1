#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <numeric>

#include "actors/resume_layout.hpp"
#include "actors/segment_plan.hpp"

using namespace pvenc;
using actors::plan_options;
using actors::segment_plan;

namespace {

constexpr std::int64_t frame_ms = 40;  // 25 fps in a 1/1000 time base

struct gop_layout {
  int gops = 10;
  int length = 24;          // frames per GOP (a multiple of 3)
  bool open = false;        // the last two B-frames of a GOP follow the next GOP's I-frame
  int idr_every = 1;        // every n-th GOP starts with an IDR, the others with a recovery point
  bool intra_only = false;  // every frame a keyframe and a clean start (bytes: 1000 each)
};

codecs::packet_entry entry(std::int64_t frame, std::int64_t size) {
  codecs::packet_entry e;
  e.pts = frame * frame_ms;
  e.duration = frame_ms;
  e.size = size;
  return e;
}

// A hand-built analysis: packets in decode order like x264 with 2 B-frames.
codecs::media_info make_info(const gop_layout& g) {
  codecs::media_info info;
  info.path = "synthetic.mkv";
  info.seekable = true;
  auto& v = info.video;
  v.params.time_base = {1, 1000};
  v.frame_rate = {25, 1};
  std::int64_t frames = static_cast<std::int64_t>(g.gops) * g.length;
  auto& out = v.packets;
  if (g.intra_only) {
    for (std::int64_t f = 0; f < frames; ++f) {
      out.push_back(entry(f, 1000));
      out.back().keyframe = out.back().clean_start = true;
    }
  } else {
    for (int k = 0; k < g.gops; ++k) {
      std::int64_t base = static_cast<std::int64_t>(k) * g.length;
      out.push_back(entry(base, 5000));
      out.back().keyframe = true;
      out.back().clean_start = !g.open || k % g.idr_every == 0;
      if (g.open && k > 0) {  // leading pictures of this I-frame (previous GOP's tail)
        out.push_back(entry(base - 2, 500));
        out.push_back(entry(base - 1, 500));
      }
      for (int j = 3; j <= g.length - 3; j += 3) {
        out.push_back(entry(base + j, 1000));
        out.push_back(entry(base + j - 2, 500));
        out.push_back(entry(base + j - 1, 500));
      }
      if (!g.open || k + 1 == g.gops) {
        out.push_back(entry(base + g.length - 1, 1000));
        out.push_back(entry(base + g.length - 2, 500));
      }
    }
  }
  for (size_t i = 0; i < out.size(); ++i)
    out[i].dts = (static_cast<std::int64_t>(i) - 2) * frame_ms;
  v.frame_count = frames;
  v.duration_s = frames * frame_ms / 1000.0;
  info.duration_s = v.duration_s;
  return info;
}

std::int64_t index_of_pts(const codecs::media_info& info, std::int64_t pts) {
  const auto& p = info.video.packets;
  for (size_t i = 0; i < p.size(); ++i)
    if (p[i].pts == pts) return static_cast<std::int64_t>(i);
  return -1;
}

// Invariants every plan must satisfy.
void check_plan(const codecs::media_info& info, const segment_plan& plan,
                const plan_options& options) {
  const auto& packets = info.video.packets;
  const auto count = static_cast<std::int64_t>(packets.size());
  REQUIRE(!plan.segments.empty());
  const auto& segs = plan.segments;
  CHECK(segs.front().start_frame == 0);
  CHECK(segs.back().end_frame == info.video.frame_count);
  CHECK(segs.front().start_pts == 0);
  CHECK(segs.back().end_pts == info.video.frame_count * frame_ms);
  for (size_t k = 0; k < segs.size(); ++k) {
    const auto& s = segs[k];
    CAPTURE(k);
    CHECK(s.id == static_cast<int>(k));
    CHECK(s.start_frame < s.end_frame);
    CHECK(s.start_pts < s.end_pts);
    if (k + 1 < segs.size()) {
      CHECK(s.end_frame == segs[k + 1].start_frame);
      CHECK(s.end_pts == segs[k + 1].start_pts);
    }
    CHECK(s.start_s == doctest::Approx(s.start_pts / 1000.0));
    CHECK(s.duration_s == doctest::Approx((s.end_pts - s.start_pts) / 1000.0));

    // The segment starts at a keyframe and reads from the latest clean start at or before it.
    std::int64_t key = index_of_pts(info, s.start_pts);
    REQUIRE(key >= 0);
    if (k > 0) CHECK(packets[key].keyframe);
    CHECK(s.first_packet <= key);
    CHECK((s.first_packet == 0 || packets[s.first_packet].clean_start));
    for (std::int64_t i = s.first_packet + 1; i <= key; ++i) CHECK_FALSE(packets[i].clean_start);
    CHECK(s.preroll_packets == key - s.first_packet);

    // Every frame it owns is inside its read range.
    std::int64_t owned = 0;
    for (std::int64_t i = 0; i < count; ++i) {
      if (packets[i].pts < s.start_pts || packets[i].pts >= s.end_pts) continue;
      ++owned;
      CHECK(i >= s.first_packet);
      CHECK(i < s.first_packet + s.packet_count);
    }
    CHECK(owned == s.end_frame - s.start_frame);
    CHECK(s.first_packet + s.packet_count <= count);

    // Length: never below the minimum unless the whole video is shorter.
    if (info.video.duration_s >= options.rules.min_duration)
      CHECK(s.duration_s >= options.rules.min_duration - 1e-9);
  }
  if (info.video.duration_s < options.rules.min_duration) CHECK(segs.size() == 1);

  // queue_order is a permutation of the ids.
  std::vector<int> sorted = plan.queue_order;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int> ids(segs.size());
  std::iota(ids.begin(), ids.end(), 0);
  CHECK(sorted == ids);
}

std::int64_t frames_of(const actors::segment_spec& s) {
  return s.end_frame - s.start_frame;
}

}  // namespace

TEST_CASE("plan_segments cuts closed GOPs near the target duration") {
  codecs::media_info info = make_info({10, 24});  // 9.6 s, a keyframe every 0.96 s
  plan_options options;
  options.rules.duration = 2.0;
  options.rules.min_duration = 1.0;
  segment_plan plan = actors::plan_segments(info, options);
  check_plan(info, plan, options);

  REQUIRE(plan.segments.size() == 3);
  for (const auto& s : plan.segments) {
    CHECK(s.duration_s >= options.rules.duration - 1e-9);
    // At most one GOP past the target, plus a tail too short to stand alone.
    CHECK(s.duration_s <= options.rules.duration + 0.96 + options.rules.min_duration + 1e-9);
    CHECK(s.preroll_packets == 0);  // every keyframe is an IDR
  }
  std::int64_t bytes = 0;
  for (const auto& s : plan.segments) bytes += s.source_bytes;
  std::int64_t total = 0;
  for (const auto& p : info.video.packets) total += p.size;
  CHECK(bytes == total);
}

TEST_CASE("plan_segments cuts the tail finer, and the queue hands it out last") {
  codecs::media_info info = make_info({60, 12});  // 28.8 s, a keyframe every 0.48 s
  plan_options options;
  options.rules = {4.0, 1.0, 8.0, 8.0, 1.0};  // the last 8 s at 1 s
  segment_plan plan = actors::plan_segments(info, options);
  check_plan(info, plan, options);

  const double tail_start = 28.8 - 8.0;
  int in_tail = 0;
  for (const auto& s : plan.segments) {
    CAPTURE(s.start_s);
    if (s.start_s >= tail_start - 1e-9) {
      ++in_tail;
      // The first keyframe after 1 s, plus a rest too short to stand alone.
      CHECK(s.duration_s <= 1.0 + 0.48 + 1.0 + 1e-9);
    } else {
      CHECK(s.start_s + s.duration_s <= tail_start + 0.48 + 1e-9);  // stops where it begins
      CHECK(s.duration_s >= 1.0 - 1e-9);
    }
  }
  CHECK(in_tail >= 5);
  // Longest first: the short tail segments are the last ones handed out.
  for (std::size_t k = plan.queue_order.size() - in_tail; k < plan.queue_order.size(); ++k)
    CHECK(plan.segments[plan.queue_order[k]].start_s >= tail_start - 1e-9);

  options.rules.tail_span = 0;  // without a tail: 4 s segments to the end
  segment_plan plain = actors::plan_segments(info, options);
  check_plan(info, plain, options);
  CHECK(plain.segments.size() < plan.segments.size());
  for (std::size_t k = 0; k + 1 < plain.segments.size(); ++k)  // the last one is the rest
    CHECK(plain.segments[k].duration_s >= 4.0 - 1e-9);
}

TEST_CASE("plan_segments queues longest first by cost, file order otherwise") {
  // 10 GOPs of 0.96 s, target 2.5 s: segments of 3, 3 and 4 GOPs (a cut after 9 GOPs would
  // leave 0.96 s, below the minimum).
  codecs::media_info info = make_info({10, 24});
  plan_options options;
  options.rules.duration = 2.5;
  options.rules.min_duration = 1.0;

  options.by_cost = true;
  segment_plan plan = actors::plan_segments(info, options);
  check_plan(info, plan, options);
  REQUIRE(plan.segments.size() >= 2);
  for (size_t i = 1; i < plan.queue_order.size(); ++i)
    CHECK(frames_of(plan.segments[plan.queue_order[i - 1]]) >=
          frames_of(plan.segments[plan.queue_order[i]]));
  std::int64_t longest = 0;
  for (const auto& s : plan.segments) longest = std::max(longest, frames_of(s));
  CHECK(frames_of(plan.segments[plan.queue_order.front()]) == longest);
  REQUIRE(plan.segments.size() == 3);
  CHECK(plan.queue_order.front() == 2);  // the longest one is the last here

  options.by_cost = false;
  segment_plan ordered = actors::plan_segments(info, options);
  check_plan(info, ordered, options);
  std::vector<int> file_order(ordered.segments.size());
  std::iota(file_order.begin(), file_order.end(), 0);
  CHECK(ordered.queue_order == file_order);
}

TEST_CASE("plan_segments with open GOPs reads from the last IDR and keeps leading pictures") {
  // Recovery-point I-frames in every GOP, an IDR only every third GOP.
  codecs::media_info info = make_info({12, 24, true, 3});
  plan_options options;
  options.rules.duration = 1.0;
  options.rules.min_duration = 0.5;
  segment_plan plan = actors::plan_segments(info, options);
  check_plan(info, plan, options);
  REQUIRE(plan.segments.size() >= 6);

  bool some_preroll = false;
  for (size_t k = 0; k + 1 < plan.segments.size(); ++k) {
    const auto& s = plan.segments[k];
    const auto& next = plan.segments[k + 1];
    std::int64_t next_key = index_of_pts(info, next.start_pts);
    // The two B-frames after the next I-frame (decode order) show before it: this segment
    // must read them.
    CHECK(s.first_packet + s.packet_count >= next_key + 3);
    CHECK(info.video.packets[next_key + 1].pts < next.start_pts);
    some_preroll = some_preroll || next.preroll_packets > 0;
  }
  CHECK(some_preroll);
}

TEST_CASE("plan_segments keeps a short video in one segment") {
  plan_options options;
  options.rules.duration = 10.0;
  options.rules.min_duration = 2.0;

  SUBCASE("shorter than min_duration") {
    codecs::media_info info = make_info({1, 24});  // 0.96 s
    segment_plan plan = actors::plan_segments(info, options);
    check_plan(info, plan, options);
    REQUIRE(plan.segments.size() == 1);
    CHECK(plan.segments[0].end_frame == 24);
    CHECK(plan.segments[0].packet_count == 24);
  }
  SUBCASE("shorter than the target") {
    codecs::media_info info = make_info({5, 24});  // 4.8 s
    segment_plan plan = actors::plan_segments(info, options);
    check_plan(info, plan, options);
    CHECK(plan.segments.size() == 1);
  }
  SUBCASE("a tail shorter than min_duration joins the previous segment") {
    codecs::media_info info = make_info({12, 24});  // 11.52 s: a cut at 10.56 leaves 0.96 s
    segment_plan plan = actors::plan_segments(info, options);
    check_plan(info, plan, options);
    CHECK(plan.segments.size() == 1);
  }
}

TEST_CASE("plan_segments splits an intra-only source by max_bytes") {
  gop_layout layout;
  layout.gops = 10;
  layout.length = 24;  // 240 frames of 1000 bytes, 9.6 s
  layout.intra_only = true;
  codecs::media_info info = make_info(layout);
  plan_options options;
  options.rules.duration = 100.0;  // the byte limit decides
  options.rules.min_duration = 0.5;
  options.max_bytes = 20000;
  segment_plan plan = actors::plan_segments(info, options);
  check_plan(info, plan, options);
  CHECK(plan.segments.size() == 12);
  for (const auto& s : plan.segments) {
    CHECK(s.source_bytes <= options.max_bytes);
    CHECK(s.preroll_packets == 0);
    CHECK(s.packet_count == s.end_frame - s.start_frame);
  }

  options.max_bytes = 256LL << 20;
  CHECK(actors::plan_segments(info, options).segments.size() == 1);
}

TEST_CASE("plan_segments follows irregular keyframes") {
  // Keyframes where a scene cut put them: GOP lengths 12, 48, 24, 6, 30, 24, ...
  codecs::media_info info = make_info({20, 6});  // 20 GOPs of 6 frames = 4.8 s
  auto& packets = info.video.packets;
  for (auto& p : packets) {
    std::int64_t frame = p.pts / frame_ms;
    bool key = frame == 0 || frame == 12 || frame == 60 || frame == 84 || frame == 90;
    if (p.keyframe && !key) p.keyframe = p.clean_start = false;
  }
  plan_options options;
  options.rules.duration = 1.0;
  options.rules.min_duration = 0.3;
  segment_plan plan = actors::plan_segments(info, options);
  check_plan(info, plan, options);
  std::vector<std::int64_t> starts;
  for (const auto& s : plan.segments) starts.push_back(s.start_frame);
  // 12 frames (0.48 s) is below the target: the first cut is at frame 60; 84 is only 0.96 s
  // later; 90 is 1.2 s later and leaves 1.2 s, so it is the second cut.
  CHECK(starts == std::vector<std::int64_t>{0, 60, 90});
}

TEST_CASE("split_segment cuts a segment mid-GOP into two that own its frames once") {
  gop_layout layout{10, 24};
  SUBCASE("closed GOPs") {}
  SUBCASE("open GOPs, an IDR every other GOP") {
    layout.open = true;
    layout.idr_every = 2;
  }
  codecs::media_info info = make_info(layout);
  plan_options options;
  options.rules.duration = 4.0;
  options.rules.min_duration = 1.0;
  segment_plan plan = actors::plan_segments(info, options);
  REQUIRE(plan.segments.size() >= 2);
  const actors::segment_spec original = plan.segments[1];
  std::int64_t at = original.start_frame + frames_of(original) / 2 + 5;  // not a keyframe
  CAPTURE(at);

  actors::segment_split cut = actors::split_segment(info, original, at, 9);
  const actors::segment_spec& head = cut.head;
  const actors::segment_spec& rest = cut.rest;

  CHECK(rest.id == 9);
  CHECK(rest.start_frame == at);
  CHECK(rest.start_pts == at * frame_ms);
  CHECK(rest.end_frame == original.end_frame);
  CHECK(rest.end_pts == original.end_pts);
  CHECK(head.end_frame == at);
  CHECK(head.end_pts == rest.start_pts);
  CHECK(head.start_pts == original.start_pts);
  CHECK(head.duration_s + rest.duration_s == doctest::Approx(original.duration_s));
  CHECK(rest.start_s == doctest::Approx(rest.start_pts / 1000.0));
  CHECK(head.source_bytes + rest.source_bytes == original.source_bytes);
  CHECK(rest.source_bytes > 0);

  // The rest reads from the latest clean start before its first frame to the parent's end.
  const auto& packets = info.video.packets;
  std::int64_t first = index_of_pts(info, rest.start_pts);
  CHECK(rest.first_packet <= first);
  CHECK(packets[rest.first_packet].clean_start);
  for (std::int64_t i = rest.first_packet + 1; i <= first; ++i) CHECK_FALSE(packets[i].clean_start);
  CHECK(rest.preroll_packets == first - rest.first_packet);
  CHECK(rest.first_packet + rest.packet_count == original.first_packet + original.packet_count);
  // The head reads no further than its own frames need.
  CHECK(head.first_packet == original.first_packet);
  CHECK(head.packet_count < original.packet_count);
  for (const auto* s : {&head, &rest}) {
    std::int64_t owned = 0;
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(packets.size()); ++i) {
      if (packets[i].pts < s->start_pts || packets[i].pts >= s->end_pts) continue;
      ++owned;
      CHECK(i >= s->first_packet);
      CHECK(i < s->first_packet + s->packet_count);
    }
    CHECK(owned == frames_of(*s));
  }
}

TEST_CASE("layout_resume keeps the stored parts of cut segments and queues the gaps") {
  codecs::media_info info = make_info({10, 24});  // 240 frames, pts = frame * 40
  plan_options options;
  options.rules.duration = 4.0;
  options.rules.min_duration = 1.0;
  segment_plan plan = actors::plan_segments(info, options);
  REQUIRE(plan.segments.size() >= 2);
  const auto& first = plan.segments[0];
  const auto& second = plan.segments[1];
  auto plan_size = static_cast<int>(plan.segments.size());
  auto pts = [](std::int64_t frame) { return frame * frame_ms; };
  std::int64_t a = first.start_frame + 10, b = first.start_frame + 30;
  REQUIRE(b < first.end_frame);
  std::map<int, actors::stored_span> stored;
  stored[0] = {first.start_pts, pts(a)};               // head of segment 0
  stored[plan_size + 5] = {pts(b), first.end_pts};     // a rest of it, frames b..end
  stored[1] = {second.start_pts, second.end_pts};      // segment 1, whole
  stored[plan_size + 9] = {pts(a) + 1, pts(a) + 7};    // no frame starts there
  stored[plan_size + 2] = {first.end_pts, pts(1000)};  // beyond its segment's end

  actors::resume_layout layout = actors::layout_resume(info, plan, stored);
  // Segment 0 is cut at a and b: pieces 0 [start, a), plan_size [a, b), plan_size + 1 [b, end).
  REQUIRE(layout.cuts.size() == 2);
  CHECK(layout.cuts[0].head.id == 0);
  CHECK(layout.cuts[0].head.end_frame == a);
  CHECK(layout.cuts[0].rest.id == plan_size);
  CHECK(layout.cuts[1].head.id == plan_size);
  CHECK(layout.cuts[1].head.start_frame == a);
  CHECK(layout.cuts[1].head.end_frame == b);
  CHECK(layout.cuts[1].rest.id == plan_size + 1);
  CHECK(layout.cuts[1].rest.start_pts == pts(b));
  CHECK(layout.cuts[1].rest.end_pts == first.end_pts);
  std::map<int, int> expected = {{0, 0}, {1, 1}, {plan_size + 5, plan_size + 1}};
  CHECK(layout.kept == expected);

  SUBCASE("a part that does not start at its segment's start or a cut is not a head") {
    std::map<int, actors::stored_span> odd;
    odd[0] = {first.start_pts + 1, first.end_pts};
    actors::resume_layout none = actors::layout_resume(info, plan, odd);
    CHECK(none.cuts.empty());
    CHECK(none.kept.empty());
  }
}
