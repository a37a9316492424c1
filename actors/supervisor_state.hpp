// The retry supervisor's state and the functions its files share (retry_supervisor.cpp:
// attempts and dispatch; supervisor_workers.cpp: the worker pool, local and remote;
// supervisor_split.cpp: cutting running segments for idle workers). Internal to the supervisor:
// include nowhere else.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/retry_supervisor.hpp"
#include "codecs/segment_end.hpp"

namespace pvenc::actors::supervision {

using cancel_flag = std::shared_ptr<std::atomic<bool>>;

struct worker_slot {
  std::string name;
  caf::actor handle;
  cancel_flag cancel;                        // local workers only
  std::shared_ptr<codecs::segment_end> end;  // local workers only: cuts their segment short
  bool remote = false;
  bool gone = false;         // a remote worker that left (or was dropped): never used again
  worker_capabilities caps;  // remote workers only
  int threads = 0;           // remote workers only: encoder threads of its attempts; 0: the job's
  bool busy = false;
  int segment = -1;         // segment in flight
  std::uint64_t token = 0;  // identifies the attempt in flight; 0: none
  worker_report stats;
  std::int64_t source_frames = 0;  // of its successful attempts (stats count output frames)
  double source_s = 0;             // their encode time
};

struct task_state {
  int attempts = 0;     // attempts started, lost ones included
  int failures = 0;     // attempts that failed through the segment's fault: its quality step
  caf::message source;  // loaded segment_source, kept until the segment succeeds
  bool loading = false;
  bool done = false;
  std::int64_t frames_done = 0;    // progress of the attempt in flight
  std::int64_t frames_taken = -1;  // ... frames its encoder has taken; -1: it cannot be cut
  std::chrono::steady_clock::time_point attempt_at;   // when the attempt in flight started
  std::chrono::steady_clock::time_point progress_at;  // when frames_done was reported
  attempt_record in_flight;  // the attempt running now (settings and worker)
  // A cut asked of a remote attempt and not confirmed (yet): its node may have made it.
  std::optional<segment_split> proposed_cut;
  int early_ends = 0;  // attempts that ended before the segment's end at no known cut
  segment_report report;
};

struct supervisor_state {
  supervisor_options options;
  std::vector<worker_slot> workers;
  // The live worker handles, shared with the exit functor that shuts them down.
  std::shared_ptr<std::vector<caf::actor>> live = std::make_shared<std::vector<caf::actor>>();
  std::vector<task_state> tasks;
  std::deque<int> queue;  // segment ids waiting for a worker
  int done = 0;
  job_summary summary;
  caf::response_promise promise;
  bool finished = false;
  std::int64_t frames_total = 0;
  std::uint64_t next_token = 0;
  bool draining = false;             // interrupted: no new attempts
  std::int64_t measured_frames = 0;  // source frames of successful attempts (default deadlines,
                                     // rebalancing)
  double measured_s = 0;
  std::optional<std::chrono::steady_clock::time_point> stuck_since;  // no worker fits the queue
  std::string stuck_reason;
  std::chrono::steady_clock::time_point started;  // of the encoding phase (attempt start times)
  bool splitting = false;                         // a split is being prepared (one at a time)
  // Remote workers a node lent but that are not used (see add_remote_workers), by node: one
  // takes the place of a used slot of its node that is dropped.
  std::map<std::string, std::vector<caf::actor>> spare_workers;
};

using self_ptr = caf::stateful_actor<supervisor_state>*;

// retry_supervisor.cpp
void dispatch(self_ptr self);
void send_progress(self_ptr self);
void finish(self_ptr self, bool ok, std::string error, bool interrupted = false);

// supervisor_attempts.cpp
// Sends segment `id` (its source loaded) to the idle worker `w` as its next attempt.
void start_attempt(self_ptr self, std::size_t w, int id);
// Every attempt ends here exactly once (the worker's answer or a failure made up here).
void end_attempt(self_ptr self, std::size_t w, segment_outcome& outcome);
segment_outcome made_up_failure(const worker_slot& slot, int segment, int attempt,
                                std::string error, double seconds, bool lost = false);

// supervisor_split.cpp
// Segment cut.head.id becomes cut.head and gets a task for cut.rest (whose id must be the next
// task's): the state only; the muxer and the queue are the caller's.
void add_cut(supervisor_state& st, const segment_split& cut);
// (both only with options.rebalance; one cut at a time)
// When a worker is idle and nothing waits, cuts the running local segment with the most work
// left in two; the idle worker gets the rest as a new segment.
void offer_running_cut(self_ptr self);
// Records the cut proposed to segment `id`'s remote attempt, whose outcome ended at its point
// although the node's answer said no (it timed out): the outcome is the head.
void accept_unconfirmed_cut(self_ptr self, int id);
// Worker `w` is about to get segment `id`, taken off the queue, which is now empty. When the
// other workers are predicted to free up well before `id` would end, cuts it first (the head
// then waits at the front of the queue, its rest behind it) and returns true: the caller then
// starts nothing. Otherwise returns false.
bool offer_cut_before_start(self_ptr self, std::size_t w, int id);

// supervisor_workers.cpp
std::size_t live_workers(const supervisor_state& st);
void spawn_into(self_ptr self, worker_slot& slot);
// Gives up on the slot's worker (dead or stuck): a local one is replaced, a remote one dropped.
void replace_worker(self_ptr self, worker_slot& slot);
// A monitored worker died.
void on_worker_down(self_ptr self, const caf::down_msg& down);
// Whether the worker in `slot` may encode segment `id` (it is there and its node can).
bool fits(const supervisor_state& st, const worker_slot& slot, int id);
// Starts or ends the wait for a worker that can take the queue; fails the job when the wait
// exceeds cluster.wait_for_workers.
void watch_for_stuck_queue(self_ptr self);
// Adds the workers of a node that joined.
void add_remote_workers(self_ptr self, const worker_capabilities& caps,
                        const std::vector<caf::actor>& handles);

}  // namespace pvenc::actors::supervision
