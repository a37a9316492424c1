// A worker node's stub for one encoder worker: receives a segment's source in chunks from the
// coordinator's remote_worker, checks and decodes it, encodes it with a local encoder_worker
// and sends the outcome back in chunks before replying with its transfer_header. A corrupt
// transfer or a crashed encoder is answered as a failed attempt (the encoder is replaced).
// (cancel_atom) stops the encode in progress; progress reports go to the requester.
#pragma once

#include <string>

#include <caf/fwd.hpp>

namespace pvenc::actors {

// `name` is the worker's name in reports ("NODE/0").
caf::actor spawn_node_worker(caf::actor_system& system, std::string name);

}  // namespace pvenc::actors
