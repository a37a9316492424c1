// Networking settings every pvenc node shares: CAF's middleman with heartbeats (a peer silent
// for five heartbeats is dropped: that is how a frozen node is detected) and an application
// identifier (so that other CAF applications cannot connect by accident; not authentication:
// see cluster_auth.hpp).
#pragma once

#include <string>

#include <caf/fwd.hpp>

namespace pvenc::actors {

// Heartbeats a peer may miss before it counts as gone.
constexpr int missed_heartbeats_allowed = 5;

// Loads the middleman into `cfg` and sets heartbeat interval and connection timeout.
void enable_cluster_networking(caf::actor_system_config& cfg, double heartbeat_s);

// "host:pid": a node's name when none is given.
std::string default_node_name();

}  // namespace pvenc::actors
