// The progress reporter: renders the job's phase, percent, frames/s, elapsed time and ETA on
// stderr, as a redrawn one-line bar (terminal) or one JSON object per line.
// Receives (phase_atom, phase), (progress_atom, progress_update), (finish_atom) -> bool.
#pragma once

#include <caf/fwd.hpp>

namespace pvenc::actors {

enum class progress_style { bar, json, none };

caf::actor spawn_progress(caf::actor_system& system, progress_style style);

}  // namespace pvenc::actors
