// Which worker may encode which segment: a worker node announces what it can do
// (worker_capabilities) and the supervisor hands it only segments within that.
#pragma once

#include <cstdint>
#include <string>

#include "actors/messages.hpp"

namespace pvenc::actors {

// What encoding one segment asks of a worker.
struct segment_need {
  std::string codec;  // job-file codec name
  int width = 0;      // output frame size
  int height = 0;
  std::int64_t memory = 0;  // bytes, estimated
};

// The need of `spec` encoded at `width`x`height`: the codec, and memory: one worker's measured
// footprint at that frame size (worker_memory_estimate, the same estimate that caps the local
// default worker count) plus 3x the segment's source bytes (held as received, as packets and
// in the decoder), which matters for sources of unusually high bitrate.
segment_need need_of(const segment_spec& spec, const std::string& codec, int width, int height);

// Why one worker of a node with `caps` cannot take a segment needing `need` ("" if it can).
// A node's memory limit is shared by its workers.
std::string unfit_reason(const worker_capabilities& caps, const segment_need& need);

}  // namespace pvenc::actors
