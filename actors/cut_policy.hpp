// When cutting a segment for an idle worker pays, and where (segments.rebalance). Pure
// functions of the speed measured so far; the supervisor acts on them (supervisor_split.cpp).
// Frame positions count from the segment's first frame.
#pragma once

#include <cstdint>
#include <optional>

namespace pvenc::actors {

// The rest of a cut segment costs a new encoder: its start-up, the pre-roll it decodes, the
// lookahead it flushes and one more keyframe, about 0.3 s of x265 "medium" at 720p on one
// core (bench/README.md).
constexpr double rest_overhead_s = 0.3;
constexpr std::int64_t min_frames_per_part = 6;

// A running segment of `total` frames: its encoder has returned `encoded` of them at `fps`
// frames per second and taken `taken` (the rest of its lookahead). A worker is idle now: the
// cut that makes both end together (head: up to the cut; rest: rest_overhead_s, then from the
// cut), moved past what the encoder has taken, when the rest saves at least 0.25 s and has
// min_frames_per_part. Returns where the rest starts, or nothing.
std::optional<std::int64_t> running_cut(std::int64_t total, std::int64_t encoded,
                                        std::int64_t taken, double fps);

// A segment of `total` frames about to start on a worker encoding `head_fps` frames per second,
// while the first other worker that could take part of it (at `rest_fps`) is free in
// `other_free_s` seconds: the cut that makes both end together (head time = other_free_s +
// rest_overhead_s + rest time), under the same conditions. Returns where the rest starts, or
// nothing.
std::optional<std::int64_t> cut_before_start(std::int64_t total, double head_fps, double rest_fps,
                                             double other_free_s);

}  // namespace pvenc::actors
