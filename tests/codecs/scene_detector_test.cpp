// Scene detection on clips joined from different sources: every join is found (to the frame)
// and nothing else; steady motion is not a cut.
#include "codecs/scene_detector.hpp"

#include <doctest/doctest.h>

#include "tests/codecs/media_util.hpp"

using namespace pvenc;

namespace {

// Four 2 s scenes at 25 fps (testsrc2, mandelbrot, a moving cellular automaton, testsrc2 with
// other colours), joined without a keyframe at the joins (-g 250).
const std::string& joined_clip() {
  return test::shared_clip(
      "joined.mkv",
      "-f lavfi -i testsrc2=size=320x240:rate=25:duration=2 "
      "-f lavfi -i mandelbrot=size=320x240:rate=25 "
      "-f lavfi -i life=size=320x240:rate=25:mold=10:ratio=0.5:death_color=#202080 "
      "-f lavfi -i testsrc2=size=320x240:rate=25:duration=2 "
      "-filter_complex \"[1]trim=duration=2,setpts=PTS-STARTPTS[m];[2]trim=duration=2,setpts=PTS-"
      "STARTPTS,format=yuv420p[l];[3]hue=h=120:s=2,format=yuv420p[t];[0][m][l][t]concat=n=4:v=1["
      "v]\" -map [v] -c:v libx264 -preset ultrafast -g 250 -pix_fmt yuv420p");
}

}  // namespace

TEST_CASE("the joins of a joined clip are the cuts, to the frame") {
  codecs::scene_analysis scenes = codecs::detect_scenes(joined_clip(), {});
  CHECK(scenes.motion.size() == 200);
  CHECK(scenes.detail.size() == 200);
  CHECK(scenes.cut_frames == std::vector<std::int64_t>{50, 100, 150});
  CHECK(scenes.fps() > 0);
  MESSAGE("scene detection: ", scenes.fps(), " frames/s on 320x240");
}

TEST_CASE("steady motion and a static picture have no cuts; motion and detail tell them apart") {
  const std::string& moving = test::h264_clip(4, 25);  // testsrc2: moving pattern
  codecs::scene_analysis scenes = codecs::detect_scenes(moving, {});
  CHECK(scenes.cut_frames.empty());
  const std::string& still =
      test::shared_clip("still.mkv",
                        "-f lavfi -i color=c=gray:size=320x240:rate=25:duration=2 -c:v libx264 "
                        "-preset ultrafast");
  codecs::scene_analysis flat = codecs::detect_scenes(still, {});
  CHECK(flat.cut_frames.empty());
  auto mean = [](const std::vector<float>& v) {
    double sum = 0;
    for (float x : v) sum += x;
    return v.empty() ? 0 : sum / v.size();
  };
  CHECK(mean(scenes.motion) > mean(flat.motion) + 0.5);
  CHECK(mean(scenes.detail) > mean(flat.detail) + 1);
}
