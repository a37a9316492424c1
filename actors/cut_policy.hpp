// When cutting a segment for an idle worker pays, and where (segments.rebalance). Pure
// functions of the speed measured so far; the supervisor acts on them (supervisor_split.cpp).
// Frame positions count from the segment's first frame.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace pvenc::actors {

constexpr std::int64_t min_frames_per_part = 6;

// The rest of a cut segment costs a new encoder: its start-up, the pre-roll it decodes, the
// lookahead it flushes and one more keyframe. Counted in frames of the encoder's own speed,
// so that it scales with the frame size and with a machine that slows down. Measured on real
// rests (c720s, medium, 2 workers: a rest's encode time against its frames at the speed of
// the same worker's other segments): x265 4.2-5.0 frames, VP9 2.4-4.3, SVT-AV1 1.5-1.7; x264
// was never cut there (its start is cheap: under 0.2 s per extra segment).
double rest_overhead_frames(const std::string& codec);

// A running segment of `total` frames: its encoder has returned `encoded` of them at `fps`
// frames per second and taken `taken` (the rest of its lookahead). A worker is idle now: the
// cut that makes both end together (head: up to the cut; rest: `overhead_frames`, then from
// the cut), moved past what the encoder has taken, when the rest saves at least 0.25 s and
// has min_frames_per_part. Returns where the rest starts, or nothing.
std::optional<std::int64_t> running_cut(std::int64_t total, std::int64_t encoded,
                                        std::int64_t taken, double fps, double overhead_frames);

// A segment of `total` frames about to start on a worker encoding `head_fps` frames per second,
// while the first other worker that could take part of it (at `rest_fps`) is free in
// `other_free_s` seconds: the cut that makes both end together (head time = other_free_s +
// the rest's `overhead_frames` and its frames at rest_fps), under the same conditions.
// Returns where the rest starts, or nothing.
std::optional<std::int64_t> cut_before_start(std::int64_t total, double head_fps, double rest_fps,
                                             double other_free_s, double overhead_frames);

}  // namespace pvenc::actors
