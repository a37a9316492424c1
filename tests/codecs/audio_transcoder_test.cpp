#include <doctest/doctest.h>

#include <atomic>

#include "codecs/audio_transcoder.hpp"
#include "codecs/av_error.hpp"
#include "tests/codecs/media_util.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
}

using namespace pvenc;

namespace {

struct transcoded {
  codecs::stream_params params;
  std::vector<codecs::media_packet> packets;
  double seconds = 0;  // where the last packet ends on the output timeline
  double total_duration() const {
    std::int64_t ticks = 0;
    for (const auto& p : packets) ticks += p.duration;
    return ticks * params.time_base.to_double();
  }
};

transcoded transcode(const std::string& input, const std::string& codec, double origin_s = 0) {
  codecs::audio_settings settings;
  settings.codec = codec;
  codecs::audio_transcoder t(input, settings, origin_s);
  transcoded out;
  out.params = t.output_params();
  t.run([&](codecs::media_packet&& p) { out.packets.push_back(std::move(p)); }, nullptr);
  if (!out.packets.empty()) {
    const auto& last = out.packets.back();
    out.seconds = (last.pts + last.duration) * out.params.time_base.to_double();
  }
  return out;
}

}  // namespace

TEST_CASE("audio_transcoder encodes a 2 s tone to aac") {
  transcoded out = transcode("lavfi:sine=frequency=440:duration=2", "aac");
  CHECK(out.params.codec_id == AV_CODEC_ID_AAC);
  CHECK(out.params.sample_rate == 44100);
  CHECK(out.params.time_base.den == 44100);
  CHECK_FALSE(out.params.extradata.empty());
  REQUIRE(!out.packets.empty());
  CHECK(out.seconds == doctest::Approx(2.0).epsilon(0.015));  // +-30 ms
  CHECK(out.total_duration() == doctest::Approx(2.0).epsilon(0.015));
  for (size_t i = 1; i < out.packets.size(); ++i)
    CHECK(out.packets[i].pts > out.packets[i - 1].pts);
  // The timeline starts at 0 (less the encoder's priming samples).
  CHECK(out.packets.front().pts <= 0);
  CHECK(out.packets.front().pts >= -2048);
}

TEST_CASE("audio_transcoder encodes to opus at 48 kHz") {
  transcoded out = transcode("lavfi:sine=frequency=440:duration=2", "opus");
  CHECK(out.params.codec_id == AV_CODEC_ID_OPUS);
  CHECK(out.params.sample_rate == 48000);
  REQUIRE(!out.packets.empty());
  CHECK(out.seconds == doctest::Approx(2.0).epsilon(0.015));
  CHECK(out.total_duration() == doctest::Approx(2.0).epsilon(0.015));
}

TEST_CASE("audio_transcoder reads the audio track of a file with video") {
  const std::string& path = test::h264_clip_with_audio();
  SUBCASE("aac") {
    transcoded out = transcode(path, "aac");
    CHECK(out.params.sample_rate == 48000);
    CHECK(out.seconds == doctest::Approx(2.0).epsilon(0.015));
  }
  SUBCASE("copy keeps the packets") {
    transcoded out = transcode(path, "copy");
    CHECK(out.params.codec_id == AV_CODEC_ID_AAC);
    CHECK(out.packets.size() >= 90);  // 2 s of 1024-sample frames at 48 kHz = 94
    CHECK(out.seconds == doctest::Approx(2.0).epsilon(0.015));
  }
  SUBCASE("origin shifts the timeline") {
    transcoded base = transcode(path, "copy");
    transcoded shifted = transcode(path, "copy", 0.5);
    REQUIRE(base.packets.size() == shifted.packets.size());
    std::int64_t half = base.params.time_base.den / base.params.time_base.num / 2;
    CHECK(shifted.packets[10].pts == base.packets[10].pts - half);
  }
}

TEST_CASE("audio_transcoder errors") {
  SUBCASE("no audio stream") {
    CHECK_THROWS_AS(transcode(test::h264_clip(2, 25), "aac"), codecs::av_error);
  }
  SUBCASE("unknown codec") {
    CHECK_THROWS_AS(transcode("lavfi:sine=frequency=440:duration=1", "no-such-codec"),
                    codecs::av_error);
  }
  SUBCASE("cancelled") {
    codecs::audio_transcoder t("lavfi:sine=frequency=440:duration=1", {}, 0);
    std::atomic<bool> cancel{true};
    CHECK_THROWS_WITH_AS(t.run([](codecs::media_packet&&) {}, &cancel), "cancelled",
                         codecs::av_error);
  }
}
