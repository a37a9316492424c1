// CAF scheduler settings for pvenc's processes. The encodes run on detached actors (their own
// threads); the scheduled actors only pass messages. CAF's defaults (max(cores, 4) threads that
// poll for work, sleeping 50 us between attempts for a while after each message) cost measured
// 4 x 2 % of a core and 4000 context switches/s on a 2-core machine, taken from the encoders.
#pragma once

#include <caf/fwd.hpp>

namespace pvenc::actors {

// Two scheduler threads that block on a condition variable when they have nothing to do.
void configure_scheduler(caf::actor_system_config& cfg);

}  // namespace pvenc::actors
