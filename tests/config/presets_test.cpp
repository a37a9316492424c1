#include "config/presets.hpp"

#include <doctest/doctest.h>

using pvenc::config::apply_preset;
using pvenc::config::job;
using pvenc::config::preset_list;
using pvenc::config::rate_mode;

TEST_CASE("preset_list: fast, balanced, quality, 4k, each described") {
  const auto& list = preset_list();
  REQUIRE(list.size() == 4);
  CHECK(list[0].name == "fast");
  CHECK(list[1].name == "balanced");
  CHECK(list[2].name == "quality");
  CHECK(list[3].name == "4k");
  for (const auto& p : list) {
    CHECK_FALSE(p.description.empty());
    CHECK(p.description.find('\n') == std::string::npos);
  }
}

TEST_CASE("apply_preset sets codec, speed and crf; 4k also the size") {
  struct expected {
    const char* name;
    const char* codec;
    const char* speed;
    int crf;
    int width;
    int height;
  };
  const expected table[] = {{"fast", "h264", "veryfast", 26, 0, 0},
                            {"balanced", "h264", "medium", 23, 0, 0},
                            {"quality", "h265", "slow", 22, 0, 0},
                            {"4k", "h265", "medium", 24, 3840, 2160}};
  for (const auto& e : table) {
    CAPTURE(e.name);
    job j;
    j.video.mode = rate_mode::bitrate;
    REQUIRE(apply_preset(e.name, j));
    CHECK(j.preset == e.name);
    CHECK(j.video.codec == e.codec);
    CHECK(j.video.speed == e.speed);
    CHECK(j.video.mode == rate_mode::crf);
    CHECK(j.video.crf == e.crf);
    CHECK(j.video.width == e.width);
    CHECK(j.video.height == e.height);
  }
}

TEST_CASE("apply_preset: an unknown name changes nothing") {
  job j;
  CHECK_FALSE(apply_preset("turbo", j));
  CHECK_FALSE(apply_preset("", j));
  CHECK_FALSE(apply_preset("Fast", j));
  CHECK(j.preset.empty());
  CHECK(j.video.codec == "h264");
  CHECK(j.video.crf == 23);
}
