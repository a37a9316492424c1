#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>

#include "codecs/av_error.hpp"
#include "codecs/media_probe.hpp"
#include "tests/codecs/media_util.hpp"

using namespace pvenc;

TEST_CASE("probe_media describes a constant-rate h264 file") {
  const std::string& path = test::h264_clip(2, 25);
  codecs::media_info info = codecs::probe_media(path);

  CHECK(info.path == path);
  CHECK(info.format_name.find("matroska") != std::string::npos);
  CHECK(info.size_bytes > 0);
  CHECK(info.seekable);
  CHECK(info.audio.empty());

  const auto& v = info.video;
  CHECK(v.stream_index >= 0);
  CHECK(v.codec_name == "h264");
  CHECK(v.pixel_format == "yuv420p");
  CHECK(v.params.width == 320);
  CHECK(v.params.height == 240);
  CHECK(v.frame_count == 50);
  REQUIRE(v.packets.size() == 50);
  CHECK(v.frame_rate.to_double() == doctest::Approx(25.0));
  CHECK_FALSE(v.variable_frame_rate);
  CHECK(v.start_s == doctest::Approx(0.0));
  CHECK(v.duration_s == doctest::Approx(2.0).epsilon(0.001));
  CHECK(info.duration_s == doctest::Approx(2.0).epsilon(0.001));

  // Keyframes every 25 frames, each an IDR (x264's closed GOPs): 0 and 25 in display order.
  std::vector<std::int64_t> key_pts;
  for (const auto& p : v.packets) {
    CHECK(p.pts != codecs::no_timestamp);  // repaired where the container has none
    CHECK(p.size > 0);
    if (p.keyframe) {
      key_pts.push_back(p.pts);
      CHECK(p.clean_start);
    } else {
      CHECK_FALSE(p.clean_start);
    }
  }
  CHECK(key_pts == std::vector<std::int64_t>{0, 1000});
  CHECK(v.packets.front().keyframe);

  // Every frame has its own pts, 40 ms apart.
  std::vector<std::int64_t> pts;
  for (const auto& p : v.packets) pts.push_back(p.pts);
  std::sort(pts.begin(), pts.end());
  for (size_t i = 0; i < pts.size(); ++i) CHECK(pts[i] == static_cast<std::int64_t>(i) * 40);
}

TEST_CASE("probe_media finds the audio stream") {
  codecs::media_info info = codecs::probe_media(test::h264_clip_with_audio());
  REQUIRE(info.audio.size() == 1);
  const auto& a = info.audio.front();
  CHECK(a.codec_name == "aac");
  CHECK(a.sample_rate == 48000);
  CHECK(a.channels == 1);
  CHECK(a.stream_index != info.video.stream_index);
  CHECK(a.duration_s == doctest::Approx(2.0).epsilon(0.05));
  CHECK(info.video.frame_count == 50);
}

TEST_CASE("probe_media reads a generated (lavfi) input") {
  codecs::media_info info = codecs::probe_media("lavfi:testsrc2=size=160x120:rate=25:duration=1");
  CHECK_FALSE(info.seekable);
  CHECK(info.size_bytes == 0);
  CHECK(info.video.frame_count == 25);
  CHECK(info.video.params.width == 160);
  CHECK_FALSE(info.video.variable_frame_rate);
  // rawvideo is intra-only: every frame is a clean start.
  for (const auto& p : info.video.packets) CHECK(p.clean_start);
}

TEST_CASE("probe_media flags a variable frame rate") {
  // Frames 0..9 at 25 fps, then 10..19 at 10 fps (Matroska keeps the ms timestamps).
  const std::string& path = test::shared_clip(
      "vfr.mkv",
      "-f lavfi -i testsrc2=size=160x120:rate=25:duration=2 -vf "
      "\"setpts='if(lt(N,10),N*0.04,0.4+(N-10)*0.1)/TB'\" -c:v libx264 -preset ultrafast "
      "-fps_mode passthrough");
  codecs::media_info info = codecs::probe_media(path);
  CHECK(info.video.frame_count == 50);
  CHECK(info.video.variable_frame_rate);
}

TEST_CASE("probe_media fails with av_error naming the input") {
  test::temp_dir dir;

  SUBCASE("missing file") {
    std::string path = dir.file("does-not-exist.mkv");
    try {
      codecs::probe_media(path);
      FAIL("no exception");
    } catch (const codecs::av_error& e) {
      CHECK(std::string(e.what()).find(path) != std::string::npos);
    }
  }
  SUBCASE("text file") {
    std::string path = dir.file("notes.txt");
    std::ofstream(path) << "this is not a media file\nat all\n";
    try {
      codecs::probe_media(path);
      FAIL("no exception");
    } catch (const codecs::av_error& e) {
      CHECK(std::string(e.what()).find(path) != std::string::npos);
    }
  }
  SUBCASE("audio-only file") {
    std::string path = dir.file("tone.wav");
    REQUIRE(test::run_ffmpeg("-f lavfi -i sine=frequency=440:duration=1 " + path));
    try {
      codecs::probe_media(path);
      FAIL("no exception");
    } catch (const codecs::av_error& e) {
      std::string what = e.what();
      CHECK(what.find(path) != std::string::npos);
      CHECK(what.find("no video") != std::string::npos);
    }
  }
}
