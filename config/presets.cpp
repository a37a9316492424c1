#include "config/presets.hpp"

#include <algorithm>

namespace pvenc::config {
namespace {

struct preset_values {
  const char* name;
  const char* description;
  const char* codec;
  const char* speed;
  int crf;
  int width;  // 0: keep the source's size
  int height;
};

const std::vector<preset_values>& presets() {
  static const std::vector<preset_values> table = {
      {"fast", "H.264 veryfast, CRF 26: quick drafts and previews", "h264", "veryfast", 26, 0, 0},
      {"balanced", "H.264 medium, CRF 23: the everyday default", "h264", "medium", 23, 0, 0},
      {"quality", "H.265 slow, CRF 22: small files at high quality", "h265", "slow", 22, 0, 0},
      {"4k", "H.265 medium, CRF 24, scaled to 3840x2160", "h265", "medium", 24, 3840, 2160},
  };
  return table;
}

}  // namespace

const std::vector<preset_info>& preset_list() {
  static const std::vector<preset_info> list = [] {
    std::vector<preset_info> infos;
    for (const auto& p : presets()) infos.push_back({p.name, p.description});
    return infos;
  }();
  return list;
}

bool apply_preset(std::string_view name, job& target) {
  auto it = std::find_if(presets().begin(), presets().end(),
                         [&](const preset_values& p) { return p.name == name; });
  if (it == presets().end()) return false;
  target.preset = it->name;
  target.video.codec = it->codec;
  target.video.speed = it->speed;
  target.video.mode = rate_mode::crf;
  target.video.crf = it->crf;
  if (it->width > 0) {
    target.video.width = it->width;
    target.video.height = it->height;
  }
  return true;
}

}  // namespace pvenc::config
