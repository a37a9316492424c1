#include "actors/scheduler_config.hpp"

#include <chrono>

#include <caf/all.hpp>

namespace pvenc::actors {

void configure_scheduler(caf::actor_system_config& cfg) {
  cfg.set("scheduler.max-threads", 2);
  // A few spins, no 50 us sleep loop, then wait until woken (an enqueue wakes the thread).
  cfg.set("work-stealing.aggressive-poll-attempts", 10);
  cfg.set("work-stealing.moderate-poll-attempts", 0);
  cfg.set("work-stealing.relaxed-sleep-duration", caf::timespan{std::chrono::milliseconds(100)});
}

}  // namespace pvenc::actors
