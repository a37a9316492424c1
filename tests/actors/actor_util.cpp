#include "tests/actors/actor_util.hpp"

#include <spdlog/spdlog.h>

namespace pvenc::test {

namespace {
// The actors warn about every injected failure; the tests check those in the summaries.
const int quiet_spdlog = (spdlog::set_level(spdlog::level::err), 0);
}  // namespace

actor_env::~actor_env() {
  caf::scoped_actor self{system};
  for (const auto& who : tracked)
    if (who) self->send_exit(who, caf::exit_reason::user_shutdown);
}

void shut_down(caf::scoped_actor& self, const caf::actor& who) {
  if (!who) return;
  self->monitor(who);
  self->send_exit(who, caf::exit_reason::user_shutdown);
  bool down = false;
  self->receive_while([&] { return !down; })(
      [&](caf::down_msg& msg) {
        if (msg.source == who.address()) down = true;
      },
      caf::after(reply_timeout) >>
          [&] {
            FAIL_CHECK("actor did not stop");
            down = true;
          });
}

}  // namespace pvenc::test
