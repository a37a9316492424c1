#include "actors/gatekeeper.hpp"

#include <chrono>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "actors/cluster_auth.hpp"
#include "actors/protocol.hpp"
#include "actors/remote_worker.hpp"

namespace pvenc::actors {
namespace {

using clock_type = std::chrono::steady_clock;
constexpr auto challenge_lifetime = std::chrono::seconds(30);
constexpr std::size_t max_open_challenges = 256;

struct challenge {
  std::string node;
  std::string client_nonce;
  clock_type::time_point issued;
};

struct joined_node {
  worker_capabilities caps;
  std::vector<caf::actor> workers;  // remote_worker handles
};

struct gatekeeper_state {
  std::string secret;
  std::map<std::string, challenge> challenges;    // by server nonce
  std::map<caf::actor_addr, std::string> agents;  // admitted nodes' agents -> node name
  std::vector<joined_node> held;                  // admitted before the supervisor was known
  caf::actor supervisor;
  bool closed = false;
};

using self_ptr = caf::stateful_actor<gatekeeper_state>*;

void forget_old_challenges(gatekeeper_state& st) {
  auto now = clock_type::now();
  for (auto it = st.challenges.begin(); it != st.challenges.end();)
    it = now - it->second.issued > challenge_lifetime ? st.challenges.erase(it) : std::next(it);
}

// `wanted`, or `wanted#2`, ... so that worker names stay unique.
std::string unique_name(const gatekeeper_state& st, const std::string& wanted) {
  std::set<std::string> taken;
  for (const auto& [addr, name] : st.agents) taken.insert(name);
  std::string name = wanted;
  for (int i = 2; taken.count(name); ++i) name = wanted + "#" + std::to_string(i);
  return name;
}

void admit(self_ptr self, worker_capabilities caps, const caf::actor& agent,
           const std::vector<caf::actor>& stubs) {
  auto& st = self->state;
  caps.node = unique_name(st, caps.node);
  caps.workers = static_cast<int>(stubs.size());
  st.agents[agent.address()] = caps.node;
  self->monitor(agent);
  joined_node node{caps, {}};
  for (std::size_t i = 0; i < stubs.size(); ++i)
    node.workers.push_back(spawn_remote_worker(self->system(), caps.node + "/" + std::to_string(i),
                                               stubs[i], caps.threads));
  spdlog::info("cluster: admitted node {} ({} workers)", caps.node, stubs.size());
  if (st.supervisor)
    self->send(st.supervisor, node_atom::value, node.caps, node.workers);
  else
    st.held.push_back(std::move(node));
}

caf::behavior gatekeeper(self_ptr self, std::string secret) {
  self->state.secret = std::move(secret);
  self->set_down_handler([=](caf::down_msg& down) {
    auto& agents = self->state.agents;
    if (auto it = agents.find(down.source); it != agents.end()) {
      spdlog::info("cluster: node {} disconnected", it->second);
      agents.erase(it);
    }
  });
  return {
      [=](hello_atom, const std::string& node, const std::string& client_nonce) {
        auto& st = self->state;
        forget_old_challenges(st);
        if (st.challenges.size() >= max_open_challenges || client_nonce.size() < 2 * nonce_bytes)
          return caf::make_message(std::string(), std::string());
        std::string server_nonce = random_hex(nonce_bytes);
        st.challenges[server_nonce] = {node, client_nonce, clock_type::now()};
        return caf::make_message(server_nonce,
                                 coordinator_proof(st.secret, client_nonce, server_nonce));
      },
      [=](auth_atom, const std::string& server_nonce, const std::string& proof,
          const worker_capabilities& caps, const caf::actor& agent,
          const std::vector<caf::actor>& stubs) -> std::string {
        auto& st = self->state;
        auto it = st.challenges.find(server_nonce);
        if (it == st.challenges.end()) return "unknown or expired challenge";
        challenge c = std::move(it->second);
        st.challenges.erase(it);  // each challenge is answered once
        if (!same_digest(proof, node_proof(st.secret, server_nonce, c.client_nonce, c.node))) {
          spdlog::warn("cluster: refused node {}: wrong cluster secret", c.node);
          return "refused: wrong cluster secret";
        }
        if (caps.protocol != cluster_protocol) {
          spdlog::warn("cluster: refused node {}: cluster protocol {}, this build's {}", c.node,
                       caps.protocol, cluster_protocol);
          return "refused: this node speaks cluster protocol " + std::to_string(caps.protocol) +
                 ", the coordinator " + std::to_string(cluster_protocol) +
                 " (run the same pvenc-node build on every machine)";
        }
        if (st.closed) return job_over_verdict;
        if (!agent || stubs.empty()) return "";  // it found this coordinator's proof wrong
        worker_capabilities named = caps;
        named.node = c.node;
        admit(self, std::move(named), agent, stubs);
        return "";
      },
      [=](start_atom, const caf::actor& supervisor) {
        auto& st = self->state;
        st.supervisor = supervisor;
        for (auto& node : st.held)
          self->send(supervisor, node_atom::value, node.caps, node.workers);
        st.held.clear();
      },
      [=](done_atom) {
        auto& st = self->state;
        st.closed = true;
        for (const auto& [addr, name] : st.agents)
          self->send(caf::actor_cast<caf::actor>(addr), bye_atom::value);
        st.held.clear();
        return true;
      },
  };
}

}  // namespace

caf::actor spawn_gatekeeper(caf::actor_system& system, std::string secret) {
  return system.spawn(gatekeeper, std::move(secret));
}

}  // namespace pvenc::actors
