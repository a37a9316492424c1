// The segmenter: cuts the analysed video into segments and serves each segment's compressed
// source packets on request, reading the input itself (workers need no access to it).
// Receives (plan_atom, media_info, scene_info, segment_rules) -> segment_plan and
// (read_atom, segment_spec) -> caf::message{segment_source}, (split_atom, ...) -> segment_split
// (see split_segment). Runs detached (blocking reads).
#pragma once

#include <caf/fwd.hpp>

#include "codecs/encode_settings.hpp"

namespace pvenc::actors {

// `origin_s`: the source time that becomes output time 0. `settings`: the job's video settings
// (for the output size that every segment must share).
caf::actor spawn_segmenter(caf::actor_system& system, double origin_s,
                           codecs::video_encode_settings settings);

}  // namespace pvenc::actors
