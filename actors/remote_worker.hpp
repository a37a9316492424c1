// A remote worker's stand-in on the coordinator: to the supervisor it is an encoder worker
// (same encode request, same segment_outcome reply); it moves the segment's source to its
// stub on the worker node in chunks and the outcome back the same way (see transfer.hpp), and
// forwards the stub's progress reports to whoever sent the encode request. When the stub's
// node goes away it answers a pending request with a lost outcome and exits with the same
// reason; when it exits for any reason it tells the stub to cancel its encode.
#pragma once

#include <string>

#include <caf/fwd.hpp>

namespace pvenc::actors {

// `name` is the worker's name in reports ("NODE/0"); `threads` > 0 replaces the job's
// workers.threads for this node.
caf::actor spawn_remote_worker(caf::actor_system& system, std::string name, caf::actor stub,
                               int threads);

}  // namespace pvenc::actors
