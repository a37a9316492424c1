// The analyzer: opens the input with libavformat and describes it (streams, frame count,
// keyframes, timestamps) and, when asked, decodes it once more to find scene cuts and each
// frame's activity (codecs/scene_detector). Receives (analyze_atom, path, scene_detect);
// replies analysis_result. Runs detached.
// Runs detached: reading a whole file blocks.
#pragma once

#include <caf/fwd.hpp>

namespace pvenc::actors {

caf::actor spawn_analyzer(caf::actor_system& system);

}  // namespace pvenc::actors
