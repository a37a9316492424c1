// The analyzer: opens the input with libavformat and describes it (streams, frame count,
// keyframes, timestamps). Receives (analyze_atom, path); replies analysis_result.
// Runs detached: reading a whole file blocks.
#pragma once

#include <caf/fwd.hpp>

namespace pvenc::actors {

caf::actor spawn_analyzer(caf::actor_system& system);

}  // namespace pvenc::actors
