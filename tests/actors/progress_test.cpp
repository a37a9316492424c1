#include <doctest/doctest.h>

#include "actors/progress.hpp"
#include "tests/actors/actor_util.hpp"

using namespace pvenc;

TEST_CASE("progress accepts phases and updates and answers finish") {
  test::actor_env env;
  for (auto style : {actors::progress_style::none}) {
    caf::scoped_actor self{env.system};
    caf::actor progress = env.track(actors::spawn_progress(env.system, style));
    self->monitor(progress);
    self->send(progress, actors::phase_atom::value, std::string("encoding"));
    actors::progress_update u;
    u.frames_done = 10;
    u.frames_total = 100;
    self->send(progress, actors::progress_atom::value, u);
    auto flushed = test::ask<bool>(self, progress, actors::finish_atom::value);
    REQUIRE(flushed);
    CHECK(*flushed);
    // finish ends the actor.
    bool down = false;
    self->receive([&](caf::down_msg&) { down = true; },
                  caf::after(test::reply_timeout) >> [] { FAIL_CHECK("progress kept running"); });
    CHECK(down);
  }
}
