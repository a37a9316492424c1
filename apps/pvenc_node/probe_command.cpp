#include <iostream>

#include "actors/job_runner.hpp"
#include "apps/pvenc_node/commands.hpp"
#include "apps/pvenc_node/report.hpp"
#include "codecs/media_probe.hpp"

namespace pvenc::app {

int probe_command(const std::string& path) {
  try {
    std::cout << media_info_json(codecs::probe_media(path)).dump(2) << "\n";
    return actors::exit_ok;
  } catch (const std::exception& e) {
    std::cerr << "pvenc-node: " << e.what() << "\n";
    return actors::exit_bad_input;
  }
}

}  // namespace pvenc::app
