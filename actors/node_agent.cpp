#include "actors/node_agent.hpp"

#include <chrono>

#include <spdlog/spdlog.h>

#include "actors/cluster_auth.hpp"
#include "actors/error_text.hpp"
#include "actors/node_worker.hpp"
#include "actors/protocol.hpp"

namespace pvenc::actors {
namespace {

constexpr auto handshake_timeout = std::chrono::seconds(15);

struct agent_state {
  caf::actor gatekeeper;
  std::string secret;
  worker_capabilities caps;
  std::shared_ptr<node_session> session;
  std::string client_nonce;
  std::vector<caf::actor> stubs;
};

using self_ptr = caf::stateful_actor<agent_state>*;

// The stubs are linked: any exit reason but `normal` takes them along.
void leave(self_ptr self) {
  self->quit(caf::exit_reason::user_shutdown);
}

void refuse(self_ptr self, std::string why) {
  self->state.session->refused = std::move(why);
  leave(self);
}

// Answers the challenge. The node proves itself even when the coordinator failed to (so that
// the coordinator can log the refusal), but offers workers only to a coordinator that proved
// it holds the secret too.
void answer_challenge(self_ptr self, const std::string& server_nonce, bool coordinator_ok) {
  auto& st = self->state;
  if (coordinator_ok) {
    for (int i = 0; i < st.caps.workers; ++i) {
      auto stub = spawn_node_worker(self->system(), st.caps.node + "/" + std::to_string(i));
      self->link_to(stub);
      st.stubs.push_back(stub);
    }
  }
  std::string proof = node_proof(st.secret, server_nonce, st.client_nonce, st.caps.node);
  self->request(st.gatekeeper, handshake_timeout, auth_atom::value, server_nonce, proof, st.caps,
                caf::actor{self}, st.stubs)
      .then(
          [=](const std::string& verdict) {
            if (verdict == job_over_verdict) {
              self->state.session->closed = true;
              return leave(self);
            }
            if (!verdict.empty())
              return refuse(self, "the coordinator refused this node: " + verdict);
            if (!coordinator_ok)
              return refuse(self, "the coordinator does not hold the cluster secret");
            self->state.session->admitted = true;
            spdlog::info("joined the coordinator as {} with {} workers", self->state.caps.node,
                         self->state.stubs.size());
          },
          [=](caf::error& err) {
            if (!coordinator_ok)
              return refuse(self, "the coordinator does not hold the cluster secret");
            self->quit(err);
          });
}

caf::behavior node_agent(self_ptr self, caf::actor gatekeeper, std::string secret,
                         worker_capabilities caps, std::shared_ptr<node_session> session) {
  auto& st = self->state;
  st.gatekeeper = gatekeeper;
  st.secret = std::move(secret);
  st.caps = std::move(caps);
  st.session = std::move(session);
  st.client_nonce = random_hex(nonce_bytes);
  self->monitor(gatekeeper);
  self->set_down_handler([=](caf::down_msg& down) {
    if (down.source == self->state.gatekeeper.address()) self->quit(down.reason);
  });
  self->request(gatekeeper, handshake_timeout, hello_atom::value, st.caps.node, st.client_nonce)
      .then(
          [=](const std::string& server_nonce, const std::string& proof) {
            auto& st = self->state;
            if (server_nonce.empty()) return refuse(self, "the coordinator refused the handshake");
            answer_challenge(
                self, server_nonce,
                same_digest(proof, coordinator_proof(st.secret, st.client_nonce, server_nonce)));
          },
          [=](caf::error& err) { self->quit(err); });
  return {
      [=](bye_atom) {
        self->state.session->job_done = true;
        leave(self);
      },
  };
}

}  // namespace

caf::actor spawn_node_agent(caf::actor_system& system, caf::actor gatekeeper, std::string secret,
                            worker_capabilities caps, std::shared_ptr<node_session> session) {
  return system.spawn(node_agent, std::move(gatekeeper), std::move(secret), std::move(caps),
                      std::move(session));
}

}  // namespace pvenc::actors
