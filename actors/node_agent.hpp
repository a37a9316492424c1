// A worker node's side of one connection to a coordinator: proves it holds the cluster secret
// and checks that the coordinator does too (cluster_auth.hpp), then offers its stubs
// (node_worker, one per worker) with its capabilities. It stays until the coordinator says
// (bye_atom) (the job is over) or goes away, then exits; the stubs go with it.
#pragma once

#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "actors/messages.hpp"

namespace pvenc::actors {

// What became of one session, for the node runner (written by the agent, read after it exits).
struct node_session {
  bool admitted = false;
  bool job_done = false;  // the coordinator said bye
  bool closed = false;    // the coordinator's job was over before this node joined
  std::string refused;    // why this node was not admitted, or why it left the coordinator
};

caf::actor spawn_node_agent(caf::actor_system& system, caf::actor gatekeeper, std::string secret,
                            worker_capabilities caps, std::shared_ptr<node_session> session);

}  // namespace pvenc::actors
