// The retry supervisor: owns the segment queue, hands segments to idle workers (reading each
// segment's source from the segmenter just ahead of need), forwards finished segments to the
// muxer and re-queues a failed segment one quality step lower, up to max_attempts.
// Receives (start_atom) -> job_summary, delivered when every segment is encoded or one has
// failed for good; workers' (progress_atom, ...) are turned into progress_update messages.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/messages.hpp"

namespace pvenc::actors {

struct supervisor_options {
  segment_plan plan;
  codecs::video_encode_settings settings;
  int worker_count = 1;
  int max_attempts = 3;
  int crf_step = 4;
  int max_crf = 51;
  std::vector<int> fail_segments;  // fault drill: these fail ...
  int fail_attempts = 1;           // ... on their first N attempts
  caf::actor segmenter;
  caf::actor muxer;
  caf::actor progress;
  std::shared_ptr<std::atomic<bool>> cancel;  // set by the supervisor when the job fails
};

caf::actor spawn_retry_supervisor(caf::actor_system& system, supervisor_options options);

}  // namespace pvenc::actors
