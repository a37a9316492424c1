#include "actors/analyzer.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "actors/cpu_cores.hpp"
#include "actors/protocol.hpp"
#include "codecs/media_probe.hpp"
#include "codecs/scene_detector.hpp"

namespace pvenc::actors {
namespace {

scene_info detect(const std::string& path) {
  codecs::scene_options options;
  options.threads = usable_cores();
  codecs::scene_analysis found = codecs::detect_scenes(path, options);
  scene_info scenes;
  scenes.fps = found.fps();  // before the per-frame values are moved out
  scenes.detected = true;
  scenes.cut_frames = std::move(found.cut_frames);
  scenes.motion = std::move(found.motion);
  scenes.detail = std::move(found.detail);
  spdlog::info("scene detection: {} cuts in {} frames ({:.0f} frames/s)", scenes.cut_frames.size(),
               scenes.motion.size(), scenes.fps);
  return scenes;
}

caf::behavior analyzer(caf::event_based_actor*) {
  return {
      [](analyze_atom, const std::string& path, bool scene_detect) {
        analysis_result result;
        try {
          result.info = codecs::probe_media(path);
          result.ok = true;
        } catch (const std::exception& e) {
          result.error = e.what();
          return result;
        }
        if (!scene_detect) return result;
        try {
          result.scenes = detect(path);
        } catch (const std::exception& e) {
          // The video was readable for the analysis: fixed-length segments still work.
          spdlog::warn("scene detection failed, segments have fixed lengths: {}", e.what());
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
