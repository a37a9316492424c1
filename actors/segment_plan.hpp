// Cutting a video into segments: a pure function of the analysis, tested on its own.
#pragma once

#include "actors/messages.hpp"

namespace pvenc::actors {

struct plan_options {
  segment_rules rules;
  scene_info scenes;  // cuts and per-frame activity; empty: fixed lengths, no complexity
  std::int64_t max_bytes = 256LL << 20;  // source bytes per segment (bounds memory on raw input)
  bool by_cost = true;  // queue longest first; false keeps file order (unseekable input)
};

// Segments together own every frame exactly once (by pts). Boundaries:
// 1. a scene cut between min_duration and max_duration after the segment's start (and at least
//    min_duration before the video's end) is a boundary; a cut closer than that becomes a
//    forced keyframe inside the segment;
// 2. otherwise a long scene is split at the cheapest point: the first source keyframe at or
//    after `duration` (or when max_bytes is reached), within max_duration; else the last
//    keyframe before it; else, when the rest is longer than max_duration, the frame at
//    `duration` (decoded from the previous keyframe); else the rest is one segment.
// The tail (the last tail_span seconds, when set) is cut the same way with tail_duration, and
// twice that as its maximum; a segment before the tail stops near where the tail begins.
// Each segment reads from the latest clean start (IDR) at or before its first frame, so it
// decodes without earlier packets. Segments get motion/detail/complexity from the scenes'
// per-frame activity and a bitrate factor (complex segments more, frame-weighted mean 1).
// Precondition: info.video.packets is not empty.
segment_plan plan_segments(const codecs::media_info& info, const plan_options& options);

// `parent` cut in two at its frame `at_frame` (presentation order). The head keeps the parent's
// id and start and reads only as far as its own frames need. The rest, segment `id`, reads from
// the latest clean start at or before its first frame (pre-roll decoded) to the parent's end.
// Both keep the parent's scores and the scene cuts inside them.
// REQUIRES: parent.start_frame < at_frame < parent.end_frame, `parent` planned from `info`.
segment_split split_segment(const codecs::media_info& info, const segment_spec& parent,
                            std::int64_t at_frame, int id);

// The frames' pts in presentation order (index k: frame k, as segment_spec counts frames).
std::vector<std::int64_t> frame_pts(const codecs::media_info& info);

}  // namespace pvenc::actors
