#include <doctest/doctest.h>

#include <filesystem>

#include "codecs/av_error.hpp"
#include "codecs/container_writer.hpp"
#include "codecs/media_probe.hpp"
#include "codecs/segment_encoder.hpp"
#include "tests/codecs/media_util.hpp"

using namespace pvenc;
namespace fs = std::filesystem;

namespace {

// 50 frames of freshly encoded h264 (output timeline from 0).
const codecs::encoded_video& encoded_clip() {
  static const codecs::encoded_video video = codecs::encode_segment(
      test::whole_source(test::demux_video(test::h264_clip(2, 25))), test::fast_settings(), {});
  return video;
}

}  // namespace

TEST_CASE("container_writer writes under a temporary name and renames on commit") {
  test::temp_dir dir;
  std::string final_path = dir.file("out.mkv");
  std::string temp_path = dir.file(".out.mkv.partial");
  const codecs::encoded_video& video = encoded_clip();
  REQUIRE(video.frames == 50);

  {
    codecs::container_writer writer(final_path, "matroska");
    CHECK(writer.temp_path() == temp_path);
    CHECK_FALSE(fs::exists(temp_path));  // nothing is created before open()
    int index = writer.add_stream(video.params);
    CHECK(index == 0);
    writer.open();
    CHECK(fs::exists(temp_path));
    for (const auto& p : video.packets) writer.write(index, p);
    CHECK_FALSE(fs::exists(final_path));
    writer.commit();
    CHECK(fs::exists(final_path));
    CHECK_FALSE(fs::exists(temp_path));
  }
  // The destructor of a committed writer keeps the file.
  REQUIRE(fs::exists(final_path));
  CHECK(fs::file_size(final_path) > static_cast<std::uintmax_t>(video.bytes));

  test::decode_stats decoded = test::decode_file(final_path);
  CHECK(decoded.frames == 50);
  CHECK(decoded.corrupt == 0);
  codecs::media_info info = codecs::probe_media(final_path);
  CHECK(info.video.frame_count == 50);
  CHECK(info.video.duration_s == doctest::Approx(2.0).epsilon(0.001));
}

TEST_CASE("container_writer writes mp4 too") {
  test::temp_dir dir;
  std::string final_path = dir.file("out.mp4");
  const codecs::encoded_video& video = encoded_clip();
  {
    codecs::container_writer writer(final_path, "mp4");
    int index = writer.add_stream(video.params);
    writer.open();
    for (const auto& p : video.packets) writer.write(index, p);
    writer.commit();
  }
  CHECK(test::decode_file(final_path).frames == 50);
  CHECK_FALSE(fs::exists(dir.file(".out.mp4.partial")));
}

TEST_CASE("container_writer without commit leaves no file behind") {
  test::temp_dir dir;
  std::string final_path = dir.file("out.mkv");
  std::string temp_path = dir.file(".out.mkv.partial");
  const codecs::encoded_video& video = encoded_clip();

  SUBCASE("after writing packets") {
    {
      codecs::container_writer writer(final_path, "matroska");
      int index = writer.add_stream(video.params);
      writer.open();
      for (size_t i = 0; i < 10; ++i) writer.write(index, video.packets[i]);
      CHECK(fs::exists(temp_path));
    }
    CHECK_FALSE(fs::exists(temp_path));
    CHECK_FALSE(fs::exists(final_path));
  }
  SUBCASE("before open") {
    {
      codecs::container_writer writer(final_path, "matroska");
      writer.add_stream(video.params);
    }
    CHECK_FALSE(fs::exists(temp_path));
    CHECK_FALSE(fs::exists(final_path));
  }
  CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("container_writer keeps decode timestamps increasing across joined segments") {
  test::temp_dir dir;
  std::string final_path = dir.file("joined.mkv");
  const codecs::encoded_video& video = encoded_clip();
  {
    codecs::container_writer writer(final_path, "matroska");
    int index = writer.add_stream(video.params);
    writer.open();
    // The same packets twice, the second copy with repeated (non-increasing) dts at its start:
    // the writer must repair them instead of failing.
    for (const auto& p : video.packets) writer.write(index, p);
    for (auto p : video.packets) {
      p.pts += 2000;
      if (p.dts != codecs::no_timestamp) p.dts = std::max<std::int64_t>(p.dts + 2000, 1960);
      writer.write(index, p);
    }
    writer.commit();
  }
  CHECK(test::decode_file(final_path).frames == 100);
}

TEST_CASE("container_writer rejects a codec the container cannot store") {
  test::temp_dir dir;
  codecs::stream_params pcm;
  pcm.codec_type = AVMEDIA_TYPE_AUDIO;
  pcm.codec_id = AV_CODEC_ID_PCM_S16LE;
  pcm.sample_rate = 48000;
  pcm.channels = 2;
  pcm.time_base = {1, 48000};
  codecs::container_writer writer(dir.file("out.webm"), "webm");
  CHECK_THROWS_AS(writer.add_stream(pcm), codecs::av_error);
}

TEST_CASE("container_writer fails on an unknown muxer") {
  test::temp_dir dir;
  CHECK_THROWS_AS(codecs::container_writer(dir.file("out.xyz"), "no-such-muxer"), codecs::av_error);
}
