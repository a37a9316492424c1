// The coordinator's door for worker nodes: the one actor published on cluster.listen. A node
// is admitted only after the challenge-response over the cluster secret (cluster_auth.hpp);
// before that it can reach nothing else, and it is given nothing. For each admitted node it
// spawns one remote_worker per announced stub and hands them, with the node's capabilities, to
// the job's supervisor (held until the supervisor is known). At the end of the job it says
// (bye_atom) to every node and admits no more.
#pragma once

#include <string>

#include <caf/fwd.hpp>

namespace pvenc::actors {

caf::actor spawn_gatekeeper(caf::actor_system& system, std::string secret);

}  // namespace pvenc::actors
