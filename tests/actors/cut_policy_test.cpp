#include <doctest/doctest.h>

#include "actors/cut_policy.hpp"

using pvenc::actors::cut_before_start;
using pvenc::actors::rest_overhead_frames;
using pvenc::actors::running_cut;

TEST_CASE("running_cut makes both parts end together, past what the encoder has taken") {
  // 150 frames left at 10 fps, the rest starting costs 3 frames: it starts 1.5 frames after
  // the middle.
  CHECK(running_cut(200, 50, 60, 10, 3) == std::optional<std::int64_t>(127));
  // The encoder's lookahead has taken up to frame 150: the cut moves past it.
  CHECK(running_cut(200, 50, 150, 10, 3) == std::optional<std::int64_t>(152));
  CHECK_FALSE(running_cut(200, 190, 195, 10, 3));  // 3 frames would be left
  CHECK_FALSE(running_cut(100, 80, 85, 40, 12));   // 4 frames would be left
  CHECK(running_cut(100, 10, 20, 100, 30) == std::optional<std::int64_t>(70));  // saves 0.3 s
  CHECK_FALSE(running_cut(100, 10, 20, 200, 60));                               // 0.075 s
  CHECK_FALSE(running_cut(100, 10, 20, 0, 2));                                  // speed unknown
  // A costlier start moves the cut later (the rest gets fewer frames).
  CHECK(running_cut(200, 50, 60, 10, 13) == std::optional<std::int64_t>(132));
}

TEST_CASE("cut_before_start makes the head and the other worker's rest end together") {
  // 4 s of work; the other worker is free in 0.5 s: head 2.4 s, rest 1.6 s (+ 3 frames, 0.3 s,
  // to start).
  CHECK(cut_before_start(40, 10, 10, 0.5, 3) == std::optional<std::int64_t>(24));
  // The other worker is free in 0.1 s: 2.2 s each (the rest after 0.1 s + 0.3 s).
  CHECK(cut_before_start(40, 10, 10, 0.1, 3) == std::optional<std::int64_t>(22));
  // Free only 3.5 s from now: the rest would save 0.1 s.
  CHECK_FALSE(cut_before_start(40, 10, 10, 3.5, 3));
  // The rest would be 5 frames (too few), though it would save 0.47 s.
  CHECK_FALSE(cut_before_start(26, 10.9, 10.9, 1.14, 3));
  CHECK_FALSE(cut_before_start(40, 0, 10, 0, 3));
  // A slow worker (10 fps) gets the head, a fast one (30 fps, free in 1 s) the rest: 25 frames
  // take 2.5 s; 1 s + 9 frames' start (0.3 s) + 35 frames at 30 fps take 2.47 s.
  CHECK(cut_before_start(60, 10, 30, 1, 9) == std::optional<std::int64_t>(25));
  // The same job on a machine half as fast: the start costs as many frames, so the cut is
  // the same.
  CHECK(cut_before_start(60, 5, 15, 2, 9) == std::optional<std::int64_t>(25));
}

TEST_CASE("a rest's start costs more frames where the encoder's start is costlier") {
  CHECK(rest_overhead_frames("h265") > rest_overhead_frames("vp9"));
  CHECK(rest_overhead_frames("vp9") > rest_overhead_frames("av1"));
  CHECK(rest_overhead_frames("h264") > 0);
}
