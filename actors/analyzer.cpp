#include "actors/analyzer.hpp"

#include <spdlog/spdlog.h>

#include "actors/protocol.hpp"
#include "codecs/media_probe.hpp"

namespace pvenc::actors {
namespace {

caf::behavior analyzer(caf::event_based_actor*) {
  return {
      [](analyze_atom, const std::string& path) {
        analysis_result result;
        try {
          result.info = codecs::probe_media(path);
          result.ok = true;
        } catch (const std::exception& e) {
          result.error = e.what();
        }
        return result;
      },
  };
}

}  // namespace

caf::actor spawn_analyzer(caf::actor_system& system) {
  return system.spawn<caf::detached>(analyzer);
}

}  // namespace pvenc::actors
