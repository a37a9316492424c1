// Cutting a video into segments: a pure function of the analysis, tested on its own.
#pragma once

#include "actors/messages.hpp"

namespace pvenc::actors {

struct plan_options {
  double duration = 10.0;     // target seconds per segment
  double min_duration = 2.0;  // no segment shorter, except a whole video shorter than this
  std::int64_t max_bytes = 256LL << 20;  // source bytes per segment (bounds memory on raw input)
  bool by_cost = true;  // queue longest first; false keeps file order (unseekable input)
};

// Segments start at source keyframes and together own every frame exactly once (by pts).
// Each segment reads from the latest clean start (IDR) at or before its first keyframe, so it
// decodes without earlier packets. Precondition: info.video.packets is not empty.
segment_plan plan_segments(const codecs::media_info& info, const plan_options& options);

}  // namespace pvenc::actors
