// The audio encoder: encodes (or copies) the input's audio track ONCE for the whole file, in
// parallel with the video workers, and streams the packets to the muxer:
// (audio_atom, stream_params) first, then (audio_atom, std::vector<media_packet>) chunks, then
// (audio_atom, done_atom, std::string error) with an empty error on success.
// Runs detached. Stops early when `cancel` is set.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "codecs/audio_transcoder.hpp"

namespace pvenc::actors {

caf::actor spawn_audio_encoder(caf::actor_system& system, std::string input_path,
                               codecs::audio_settings settings, double origin_s,
                               const caf::actor& muxer, std::shared_ptr<std::atomic<bool>> cancel);

}  // namespace pvenc::actors
