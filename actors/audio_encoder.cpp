#include "actors/audio_encoder.hpp"

#include <spdlog/spdlog.h>

#include "actors/protocol.hpp"

namespace pvenc::actors {
namespace {

constexpr std::size_t packets_per_message = 256;

void transcode(caf::event_based_actor* self, const std::string& path,
               const codecs::audio_settings& settings, double origin_s, const caf::actor& muxer,
               const std::atomic<bool>* cancel) {
  std::string error;
  try {
    codecs::audio_transcoder transcoder(path, settings, origin_s);
    self->send(muxer, audio_atom::value, transcoder.output_params());
    std::vector<codecs::media_packet> chunk;
    transcoder.run(
        [&](codecs::media_packet&& p) {
          chunk.push_back(std::move(p));
          if (chunk.size() < packets_per_message) return;
          self->send(muxer, audio_atom::value, std::move(chunk));
          chunk.clear();
        },
        cancel);
    if (!chunk.empty()) self->send(muxer, audio_atom::value, std::move(chunk));
  } catch (const std::exception& e) {
    error = std::string("audio: ") + e.what();
  }
  self->send(muxer, audio_atom::value, done_atom::value, error);
}

caf::behavior audio_encoder(caf::event_based_actor* self, std::string path,
                            codecs::audio_settings settings, double origin_s, caf::actor muxer,
                            std::shared_ptr<std::atomic<bool>> cancel) {
  self->send(self, start_atom::value);
  return {
      [=](start_atom) {
        transcode(self, path, settings, origin_s, muxer, cancel.get());
        self->quit();
      },
  };
}

}  // namespace

caf::actor spawn_audio_encoder(caf::actor_system& system, std::string input_path,
                               codecs::audio_settings settings, double origin_s,
                               const caf::actor& muxer, std::shared_ptr<std::atomic<bool>> cancel) {
  return system.spawn<caf::detached>(audio_encoder, std::move(input_path), std::move(settings),
                                     origin_s, muxer, std::move(cancel));
}

}  // namespace pvenc::actors
