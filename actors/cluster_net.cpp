#include "actors/cluster_net.hpp"

#include <unistd.h>

#include <chrono>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

namespace pvenc::actors {

void enable_cluster_networking(caf::actor_system_config& cfg, double heartbeat_s) {
  cfg.load<caf::io::middleman>();
  auto interval =
      std::chrono::duration_cast<caf::timespan>(std::chrono::duration<double>(heartbeat_s));
  cfg.set("middleman.heartbeat-interval", interval);
  cfg.set("middleman.connection-timeout", interval * missed_heartbeats_allowed);
  cfg.set("middleman.app-identifiers", std::vector<std::string>{"pvenc-0"});
}

std::string default_node_name() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host[0] ? host : "node") + ":" + std::to_string(getpid());
}

}  // namespace pvenc::actors
