// An encoder worker: encodes one segment at a time with libavcodec and replies with the encoded
// packets and statistics. Runs detached (its own thread): an encode blocks for seconds and
// must not starve CAF's scheduler. Sends (progress_atom, name, segment, attempt, frames encoded,
// frames taken) to `observer` while encoding (taken: -1 when the encode cannot be cut). An encode
// in progress stops with an error once `cancel` is set; the flag is this worker's own, so that a
// stuck worker can be cancelled alone. Performs the fault drills it is asked for (see fault_drill).
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "codecs/segment_end.hpp"

namespace pvenc::actors {

// `name` identifies the worker in reports ("local/0"). `end` (optional): armed for each plain CRF
// encode at the source's frame rate, so that its owner can cut the segment short while it runs
// (see segment_end).
caf::actor spawn_encoder_worker(caf::actor_system& system, std::string name,
                                const caf::actor& observer,
                                std::shared_ptr<std::atomic<bool>> cancel,
                                std::shared_ptr<codecs::segment_end> end = nullptr);

}  // namespace pvenc::actors
