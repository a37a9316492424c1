#include "actors/encoder_worker.hpp"

#include <chrono>

#include <spdlog/spdlog.h>

#include "actors/protocol.hpp"

namespace pvenc::actors {
namespace {

using clock_type = std::chrono::steady_clock;

segment_outcome encode(caf::event_based_actor* self, const std::string& name,
                       const caf::actor& observer, const codecs::segment_source& source,
                       const codecs::video_encode_settings& settings, int attempt,
                       bool inject_failure, const std::atomic<bool>* cancel) {
  segment_outcome out;
  out.segment_id = source.segment_id;
  out.attempt = attempt;
  out.worker = name;
  auto start = clock_type::now();
  auto last_report = start;
  codecs::segment_hooks hooks;
  hooks.inject_failure = inject_failure;
  hooks.cancel = cancel;
  hooks.on_progress = [&](std::int64_t frames) {
    auto now = clock_type::now();
    if (now - last_report < std::chrono::milliseconds(250)) return;
    last_report = now;
    self->send(observer, progress_atom::value, name, source.segment_id, frames);
  };
  try {
    out.video = codecs::encode_segment(source, settings, hooks);
    out.ok = true;
    self->send(observer, progress_atom::value, name, source.segment_id, out.video.frames);
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  out.encode_s = std::chrono::duration<double>(clock_type::now() - start).count();
  return out;
}

caf::behavior encoder_worker(caf::event_based_actor* self, std::string name, caf::actor observer,
                             std::shared_ptr<std::atomic<bool>> cancel) {
  return {
      [=](encode_atom, const caf::message& source_msg,
          const codecs::video_encode_settings& settings, int attempt, bool inject_failure) {
        if (!source_msg.match_element<codecs::segment_source>(0)) {
          segment_outcome bad;
          bad.worker = name;
          bad.attempt = attempt;
          bad.error = "malformed encode request (no segment source)";
          return bad;
        }
        const auto& source = source_msg.get_as<codecs::segment_source>(0);
        return encode(self, name, observer, source, settings, attempt, inject_failure,
                      cancel.get());
      },
  };
}

}  // namespace

caf::actor spawn_encoder_worker(caf::actor_system& system, std::string name,
                                const caf::actor& observer,
                                std::shared_ptr<std::atomic<bool>> cancel) {
  return system.spawn<caf::detached>(encoder_worker, std::move(name), observer, std::move(cancel));
}

}  // namespace pvenc::actors
