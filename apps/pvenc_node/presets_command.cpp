#include <iostream>

#include "actors/job_runner.hpp"
#include "apps/pvenc_node/commands.hpp"
#include "codecs/encoder_table.hpp"
#include "config/presets.hpp"

namespace pvenc::app {

int presets_command() {
  for (const auto& p : config::preset_list()) std::cout << p.name << "\t" << p.description << "\n";
  std::cout << "\nencoders in this FFmpeg build:";
  for (const auto& e : codecs::available_encoders()) std::cout << " " << e;
  std::cout << "\n";
  return actors::exit_ok;
}

}  // namespace pvenc::app
