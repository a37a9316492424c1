// Runs a worker node (`pvenc-node worker`): connects to the coordinator, joins (node_agent),
// serves its segments, and when the coordinator goes away or the job ends connects again, job
// after job, until it is stopped (or after one job with `once`).
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "actors/messages.hpp"
#include "config/cluster.hpp"

namespace pvenc::actors {

struct node_options {
  config::endpoint coordinator;
  std::string secret;
  worker_capabilities caps;  // node, workers, threads and limits; the codecs are found here
  bool once = false;         // leave after one job
  double heartbeat = 1.0;    // seconds
  // Incremented per SIGINT/SIGTERM by the caller: the node leaves (an encode in progress is
  // cancelled; the coordinator re-queues it). May be null.
  std::shared_ptr<std::atomic<int>> interrupts;
};

// The codecs this node's FFmpeg build can encode, and the hardware encoders that open.
void find_encoders(worker_capabilities& caps);

// Returns the process exit code: 0 when stopped or done (--once), 2 when the coordinator
// refused this node (wrong secret) or failed to prove the secret itself.
int run_worker_node(const node_options& options);

}  // namespace pvenc::actors
