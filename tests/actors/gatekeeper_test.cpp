// The coordinator's gatekeeper admits a node that proves the secret and speaks this build's
// cluster protocol, and refuses others with a reason the node prints.
#include <doctest/doctest.h>

#include "actors/cluster_auth.hpp"
#include "actors/gatekeeper.hpp"
#include "actors/protocol.hpp"
#include "tests/actors/actor_util.hpp"

using namespace pvenc;

namespace {

constexpr const char* secret = "a gatekeeper test secret 0123456789";

// Runs the handshake of node `name` offering `caps`; returns the gatekeeper's verdict.
std::string join(caf::scoped_actor& self, const caf::actor& gatekeeper, const std::string& name,
                 const actors::worker_capabilities& caps, const caf::actor& stand_in) {
  std::string client_nonce = actors::random_hex(actors::nonce_bytes);
  std::string server_nonce;
  self->request(gatekeeper, test::reply_timeout, actors::hello_atom::value, name, client_nonce)
      .receive([&](std::string& nonce, std::string&) { server_nonce = std::move(nonce); },
               [&](caf::error& err) { FAIL_CHECK("hello failed: " << actors::describe(err)); });
  REQUIRE_FALSE(server_nonce.empty());
  auto verdict =
      test::ask<std::string>(self, gatekeeper, actors::auth_atom::value, server_nonce,
                             actors::node_proof(secret, server_nonce, client_nonce, name), caps,
                             stand_in, std::vector<caf::actor>{stand_in});
  REQUIRE(verdict);
  return *verdict;
}

}  // namespace

TEST_CASE("the gatekeeper refuses a node of another cluster protocol, admits this build's") {
  test::actor_env env;
  caf::scoped_actor self{env.system};
  caf::actor gatekeeper = env.track(actors::spawn_gatekeeper(env.system, secret));
  // Stands in for the node's agent and its worker stub (never spoken to here).
  caf::actor stand_in = env.track(env.system.spawn([]() -> caf::behavior { return {[](int) {}}; }));
  actors::worker_capabilities caps;
  caps.codecs = {"h264"};

  caps.protocol = actors::cluster_protocol - 1;
  std::string refused = join(self, gatekeeper, "old", caps, stand_in);
  CHECK(refused.find("cluster protocol " + std::to_string(actors::cluster_protocol - 1)) !=
        std::string::npos);
  CHECK(refused.find("same pvenc-node build") != std::string::npos);

  caps.protocol = actors::cluster_protocol;
  CHECK(join(self, gatekeeper, "new", caps, stand_in).empty());  // admitted
  test::shut_down(self, gatekeeper);
}
