#include <doctest/doctest.h>

#include "actors/analyzer.hpp"
#include "tests/actors/actor_util.hpp"
#include "tests/codecs/media_util.hpp"

using namespace pvenc;
using actors::analysis_result;
using actors::analyze_atom;

TEST_CASE("analyzer describes a file and reports errors by name") {
  test::actor_env env;
  {
    caf::scoped_actor self{env.system};
    caf::actor analyzer = env.track(actors::spawn_analyzer(env.system));

    const std::string& path = test::h264_clip(2, 25);
    auto ok = test::ask<analysis_result>(self, analyzer, analyze_atom::value, path, false);
    REQUIRE(ok);
    CHECK(ok->ok);
    CHECK(ok->error.empty());
    CHECK(ok->info.path == path);
    CHECK(ok->info.video.frame_count == 50);
    CHECK(ok->info.video.packets.size() == 50);
    CHECK(ok->info.video.params.width == 320);
    CHECK_FALSE(ok->info.video.params.extradata.empty());

    test::temp_dir dir;
    std::string missing = dir.file("missing.mkv");
    auto bad = test::ask<analysis_result>(self, analyzer, analyze_atom::value, missing, false);
    REQUIRE(bad);
    CHECK_FALSE(bad->ok);
    CHECK(bad->error.find(missing) != std::string::npos);

    // The analyzer is still alive after a failure.
    auto again = test::ask<analysis_result>(
        self, analyzer, analyze_atom::value,
        std::string("lavfi:testsrc2=size=64x48:rate=10:duration=1"), true);
    REQUIRE(again);
    CHECK(again->ok);
    CHECK(again->info.video.frame_count == 10);
    CHECK(again->scenes.detected);  // asked for: per-frame activity of every frame
    CHECK(again->scenes.motion.size() == 10);
    CHECK(again->scenes.cut_frames.empty());

    test::shut_down(self, analyzer);
  }
}
