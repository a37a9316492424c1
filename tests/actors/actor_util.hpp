// Helpers for driving pvenc's actors from doctest: an actor system with pvenc's message types,
// and requests that always end (finite timeouts).
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/error_text.hpp"
#include "actors/protocol.hpp"

namespace pvenc::test {

constexpr auto reply_timeout = std::chrono::seconds(60);

struct test_config : caf::actor_system_config {
  test_config() { actors::register_message_types(*this); }
};

// One actor system per test case. Tests destroy their scoped_actors (inner scope) before it.
// Actors passed to track() are sent an exit message before the system goes, so that a test
// that stops early (a failed REQUIRE) does not leave ~actor_system waiting for them.
struct actor_env {
  test_config cfg;
  caf::actor_system system{cfg};
  std::vector<caf::actor> tracked;

  ~actor_env();
  caf::actor track(caf::actor who) {
    tracked.push_back(who);
    return who;
  }
};

// Requests `xs` from `who` and returns the reply of type T; a CAF error (the timeout included)
// fails the test and returns nothing.
template <class T, class... Ts>
std::optional<T> ask(caf::scoped_actor& self, const caf::actor& who, Ts&&... xs) {
  std::optional<T> out;
  self->request(who, reply_timeout, std::forward<Ts>(xs)...)
      .receive([&](T& reply) { out = std::move(reply); },
               [&](caf::error& err) { FAIL_CHECK("request failed: " << actors::describe(err)); });
  return out;
}

// Ends `who` and waits (bounded) until it is gone.
void shut_down(caf::scoped_actor& self, const caf::actor& who);

}  // namespace pvenc::test
