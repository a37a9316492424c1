// The retry supervisor: owns the segment queue, hands segments to idle workers (reading each
// segment's source from the segmenter just ahead of need), forwards finished segments to the
// muxer and re-queues a failed segment one quality step lower, up to max_attempts. It monitors
// its workers: a local one that dies while encoding, or does not answer within the segment's
// deadline, fails that attempt and is replaced by a fresh worker. Remote workers (worker nodes)
// join with (node_atom, ...) and get only segments they can encode; when one's node goes away,
// its segment is re-queued as it was (not the segment's fault) and the worker is dropped.
// Receives (start_atom) -> job_summary, delivered when every segment is encoded or one has
// failed for good; workers' (progress_atom, ...) are turned into progress_update messages.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/messages.hpp"

namespace pvenc::actors {

// A segment finished by an earlier run (taken from the work directory).
struct resumed_segment {
  std::int64_t frames = 0;
  std::int64_t bytes = 0;
  codecs::quality_sums quality;
  int crf = -1;
  std::vector<codecs::quality_probe> probes;
};

struct supervisor_options {
  segment_plan plan;
  codecs::video_encode_settings settings;
  int output_width = 0;  // the frames the encoder gets (what a worker must accept)
  int output_height = 0;
  int worker_count = 1;   // local workers; 0: only remote ones
  int local_threads = 0;  // encoder threads of each local worker; 0: settings.threads
  // A node that does not pin its threads (--threads) lends its N workers as N / k workers
  // with k threads each (k = this; 1: as they are; see cores_per_worker).
  int remote_cores_per_worker = 1;
  std::string node_name;        // this process's node name (reports of local workers)
  double wait_for_workers = 0;  // seconds to wait while no worker can take the queued segments
  bool rebalance = true;        // cut running segments when workers run out of work
  int max_attempts = 3;
  int crf_step = 4;
  int max_crf = 51;
  std::map<int, resumed_segment> resumed;  // by segment id: not encoded again
  // --resume: cuts of an earlier run made again first (resume_layout; the muxer has them
  // already); `resumed` may then name their rests too.
  std::vector<segment_split> resumed_cuts;
  double segment_timeout = 0;       // seconds per attempt; 0: derived from the measured speed
  std::vector<int> fail_segments;   // fault drills: these fail ...
  int fail_attempts = 1;            // ... on their first N attempts
  std::vector<int> crash_segments;  // the worker dies on these (first attempt)
  std::vector<int> stall_segments;  // the worker hangs on these (first attempt)
  caf::actor segmenter;
  caf::actor muxer;
  caf::actor progress;
  std::shared_ptr<std::atomic<bool>> cancel;  // set by the supervisor when the job fails
  // Ctrl-C count (may be null): 1 = hand out nothing more, finish what runs, then stop;
  // 2 = stop now. Checked a few times a second.
  std::shared_ptr<std::atomic<int>> interrupts;
};

caf::actor spawn_retry_supervisor(caf::actor_system& system, supervisor_options options);

}  // namespace pvenc::actors
