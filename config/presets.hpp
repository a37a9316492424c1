// The seed design's presets: named starting points that the job file's keys override.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/job.hpp"

namespace pvenc::config {

struct preset_info {
  std::string name;
  std::string description;
};

// fast | balanced | quality | 4k, in that order.
const std::vector<preset_info>& preset_list();

// Applies preset `name` to `target` (codec, crf, speed; 4k also the resolution).
// Returns false if the name is unknown.
bool apply_preset(std::string_view name, job& target);

}  // namespace pvenc::config
