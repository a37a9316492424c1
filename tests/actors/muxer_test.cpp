#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <memory>

#include "actors/audio_encoder.hpp"
#include "actors/muxer.hpp"
#include "codecs/media_probe.hpp"
#include "tests/actors/actor_util.hpp"
#include "tests/codecs/media_util.hpp"

using namespace pvenc;
using actors::mux_result;
using actors::segment_outcome;
namespace fs = std::filesystem;

namespace {

// The 2 s clip as two encoded segments (frames 0..24 and 25..49), cut at its second IDR.
std::vector<segment_outcome> two_segments(int second_width = 320, int second_height = 240,
                                          const std::string& speed = "ultrafast") {
  test::demuxed_video video = test::demux_video(test::h264_clip(2, 25));
  size_t cut = 0;
  for (size_t i = 1; i < video.packets.size(); ++i)
    if (video.packets[i].keyframe) cut = i;
  REQUIRE(cut > 0);
  std::vector<segment_outcome> out(2);
  for (int k = 0; k < 2; ++k) {
    codecs::segment_source src = test::whole_source(video);
    if (k == 0) {
      src.packets.assign(video.packets.begin(), video.packets.begin() + cut);
      src.end_pts = 1000;
    } else {
      src.packets.assign(video.packets.begin() + cut, video.packets.end());
      src.priming = {video.packets.front()};
      src.start_pts = 1000;
      src.output_width = second_width;
      src.output_height = second_height;
    }
    out[k].segment_id = k;
    out[k].ok = true;
    codecs::video_encode_settings settings = test::fast_settings();
    settings.speed = speed;
    out[k].video = codecs::encode_segment(src, settings, {});
  }
  return out;
}

actors::muxer_options options_for(const std::string& path, bool audio,
                                  const std::string& container = "matroska") {
  actors::muxer_options o;
  o.output_path = path;
  o.container = container;
  o.segment_count = 2;
  o.expect_audio = audio;
  return o;
}

}  // namespace

TEST_CASE("muxer writes segments in file order whatever order they arrive in") {
  test::actor_env env;
  test::temp_dir dir;
  std::string path = dir.file("out.mkv");
  std::vector<segment_outcome> segs = two_segments();
  actors::muxer_options options = options_for(path, false);
  bool cut = false;
  SUBCASE("two planned segments") {}
  SUBCASE("one planned segment and the rest cut off it") {
    options.segment_count = 1;
    cut = true;
  }
  {
    caf::scoped_actor self{env.system};
    caf::actor muxer = env.track(actors::spawn_muxer(env.system, options));
    // finish first: the reply waits until everything is written.
    auto pending = self->request(muxer, test::reply_timeout, actors::finish_atom::value);
    if (cut) self->send(muxer, actors::split_atom::value, 0, 1);
    self->send(muxer, actors::video_atom::value, segs[1]);
    self->send(muxer, actors::video_atom::value, segs[0]);
    std::optional<mux_result> result;
    pending.receive([&](mux_result& r) { result = r; },
                    [&](caf::error& e) { FAIL_CHECK(actors::describe(e)); });
    REQUIRE(result);
    CHECK(result->ok);
    CHECK(result->video_packets == 50);
    CHECK(result->bytes == static_cast<std::int64_t>(fs::file_size(path)));
    test::shut_down(self, muxer);
  }
  test::decode_stats decoded = test::decode_file(path);
  CHECK(decoded.frames == 50);
  CHECK(decoded.corrupt == 0);
  for (size_t i = 0; i < decoded.pts.size(); ++i)
    CHECK(decoded.pts[i] == static_cast<std::int64_t>(i) * 40);
}

TEST_CASE("muxer joins B-frame segments (negative decode timestamps) into mp4 and mkv") {
  std::vector<segment_outcome> segs = two_segments(320, 240, "veryfast");
  REQUIRE(segs[0].video.packets.front().dts < 0);  // B-frames: decoding starts before 0
  for (std::string container : {"mp4", "matroska"}) {
    CAPTURE(container);
    test::actor_env env;
    test::temp_dir dir;
    std::string path = dir.file(container == "mp4" ? "b.mp4" : "b.mkv");
    {
      caf::scoped_actor self{env.system};
      caf::actor muxer =
          env.track(actors::spawn_muxer(env.system, options_for(path, false, container)));
      for (const auto& s : segs) self->send(muxer, actors::video_atom::value, s);
      auto result = test::ask<mux_result>(self, muxer, actors::finish_atom::value);
      REQUIRE(result);
      INFO("mux error: " << result->error);
      CHECK(result->ok);
      CHECK(result->video_packets == 50);
      test::shut_down(self, muxer);
    }
    test::decode_stats decoded = test::decode_file(path);
    CHECK(decoded.frames == 50);
    CHECK(decoded.corrupt == 0);
    codecs::media_info info = codecs::probe_media(path);
    CHECK(info.video.frame_count == 50);
    CHECK(info.video.duration_s == doctest::Approx(2.0).epsilon(0.001));
  }
}

TEST_CASE("muxer interleaves the audio encoder's track") {
  test::actor_env env;
  test::temp_dir dir;
  std::string path = dir.file("av.mkv");
  std::vector<segment_outcome> segs = two_segments();
  auto cancel = std::make_shared<std::atomic<bool>>(false);
  {
    caf::scoped_actor self{env.system};
    caf::actor muxer = env.track(actors::spawn_muxer(env.system, options_for(path, true)));
    caf::actor audio = env.track(actors::spawn_audio_encoder(
        env.system, "lavfi:sine=frequency=440:sample_rate=48000:duration=2",
        codecs::audio_settings{"aac", 96000}, 0.0, muxer, cancel));
    for (const auto& s : segs) self->send(muxer, actors::video_atom::value, s);
    auto result = test::ask<mux_result>(self, muxer, actors::finish_atom::value);
    REQUIRE(result);
    CHECK(result->ok);
    CHECK(result->video_packets == 50);
    CHECK(result->audio_packets >= 94);  // 2 s of 1024-sample AAC frames at 48 kHz
    test::shut_down(self, audio);
    test::shut_down(self, muxer);
  }
  codecs::media_info info = codecs::probe_media(path);
  CHECK(info.video.frame_count == 50);
  REQUIRE(info.audio.size() == 1);
  CHECK(info.audio[0].codec_name == "aac");
  CHECK(info.audio[0].duration_s == doctest::Approx(2.0).epsilon(0.03));
}

TEST_CASE("muxer reports an audio failure") {
  test::actor_env env;
  test::temp_dir dir;
  std::string path = dir.file("bad-audio.mkv");
  std::vector<segment_outcome> segs = two_segments();
  {
    caf::scoped_actor self{env.system};
    caf::actor muxer = env.track(actors::spawn_muxer(env.system, options_for(path, true)));
    for (const auto& s : segs) self->send(muxer, actors::video_atom::value, s);
    self->send(muxer, actors::audio_atom::value, actors::done_atom::value,
               std::string("audio broke"));
    auto result = test::ask<mux_result>(self, muxer, actors::finish_atom::value);
    REQUIRE(result);
    CHECK_FALSE(result->ok);
    CHECK(result->error == "audio broke");
    test::shut_down(self, muxer);
  }
  CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("muxer refuses segments whose parameter sets differ") {
  test::actor_env env;
  test::temp_dir dir;
  std::string path = dir.file("mixed.mkv");
  std::vector<segment_outcome> segs = two_segments(160, 120);
  REQUIRE(segs[0].video.params.extradata != segs[1].video.params.extradata);
  {
    caf::scoped_actor self{env.system};
    caf::actor muxer = env.track(actors::spawn_muxer(env.system, options_for(path, false)));
    for (const auto& s : segs) self->send(muxer, actors::video_atom::value, s);
    auto result = test::ask<mux_result>(self, muxer, actors::finish_atom::value);
    REQUIRE(result);
    CHECK_FALSE(result->ok);
    CHECK(result->error.find("parameter sets differ") != std::string::npos);
    test::shut_down(self, muxer);
  }
  CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("muxer abort deletes the partial file") {
  test::actor_env env;
  test::temp_dir dir;
  std::string path = dir.file("aborted.mkv");
  std::vector<segment_outcome> segs = two_segments();
  {
    caf::scoped_actor self{env.system};
    caf::actor muxer = env.track(actors::spawn_muxer(env.system, options_for(path, false)));
    self->monitor(muxer);
    self->send(muxer, actors::video_atom::value, segs[0]);
    self->send(muxer, actors::abort_atom::value);
    bool down = false;
    self->receive([&](caf::down_msg&) { down = true; },
                  caf::after(test::reply_timeout) >> [&] { FAIL_CHECK("muxer did not quit"); });
    CHECK(down);
  }
  CHECK(fs::is_empty(dir.path()));
}
