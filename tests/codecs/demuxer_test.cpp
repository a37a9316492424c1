#include <doctest/doctest.h>

#include "codecs/av_error.hpp"
#include "codecs/codec_params.hpp"
#include "codecs/decoder.hpp"
#include "codecs/demuxer.hpp"
#include "tests/codecs/media_util.hpp"

using namespace pvenc;

TEST_CASE("demuxer opens a lavfi graph") {
  codecs::demuxer input("lavfi:testsrc2=size=160x120:rate=25:duration=1");
  CHECK(input.is_generated());
  int v = input.best_video_stream();
  REQUIRE(v >= 0);
  CHECK(input.best_audio_stream() == -1);
  codecs::stream_params p = input.params(v);
  CHECK(p.width == 160);
  CHECK(p.height == 120);
  CHECK(p.frame_rate.to_double() == doctest::Approx(25.0));
  CHECK_FALSE(input.seek_before(v, 0));  // generated inputs cannot seek
  codecs::packet_ptr pkt = codecs::make_packet();
  int packets = 0;
  while (input.read(*pkt)) ++packets;
  CHECK(packets == 25);
}

TEST_CASE("demuxer select_streams drops the other streams") {
  codecs::demuxer input(test::h264_clip_with_audio());
  int v = input.best_video_stream();
  int a = input.best_audio_stream();
  REQUIRE(v >= 0);
  REQUIRE(a >= 0);
  input.select_streams({a});
  codecs::packet_ptr pkt = codecs::make_packet();
  int audio = 0;
  while (input.read(*pkt)) {
    CHECK(pkt->stream_index == a);
    ++audio;
  }
  CHECK(audio > 50);
}

TEST_CASE("demuxer seeks back to a keyframe") {
  codecs::demuxer input(test::h264_clip(4, 25));
  int v = input.best_video_stream();
  input.select_streams({v});
  codecs::packet_ptr pkt = codecs::make_packet();
  while (input.read(*pkt)) {
  }
  REQUIRE(input.seek_before(v, 2000));
  REQUIRE(input.read(*pkt));
  CHECK(pkt->pts <= 2000);
  CHECK(pkt->pts >= 1000);
}

TEST_CASE("demuxer names the path in its error") {
  CHECK_THROWS_WITH_AS(codecs::demuxer("/nonexistent/dir/clip.mkv"),
                       doctest::Contains("/nonexistent/dir/clip.mkv"), codecs::av_error);
  CHECK_THROWS_AS(codecs::demuxer("lavfi:no_such_filter=1"), codecs::av_error);
}

TEST_CASE("decoder decodes a file's packets and counts invalid data") {
  test::demuxed_video video = test::demux_video(test::h264_clip(2, 25));
  test::decode_stats all = test::decode_all(video.params, video.packets);
  CHECK(all.frames == 50);
  CHECK(all.corrupt == 0);
  CHECK(all.width == 320);

  // Garbage instead of slice data is skipped, not fatal.
  std::vector<codecs::media_packet> damaged = video.packets;
  for (size_t i = 30; i < 33; ++i)
    for (auto& b : damaged[i].data) b = 0xff;
  test::decode_stats partial;
  CHECK_NOTHROW(partial = test::decode_all(video.params, damaged));
  CHECK(partial.frames <= 50);
  CHECK(partial.frames >= 40);
}

TEST_CASE("decoder prime() discards its output and resets") {
  test::demuxed_video video = test::demux_video(test::h264_clip(2, 25));
  codecs::decoder dec(video.params, 1);
  codecs::packet_ptr pkt = codecs::make_packet();
  codecs::fill_av_packet(video.packets.front(), *pkt);
  int frames = 0;
  auto sink = [&](AVFrame&) { ++frames; };
  dec.prime(*pkt);
  CHECK(frames == 0);
  for (const auto& p : video.packets) {
    codecs::fill_av_packet(p, *pkt);
    dec.decode(pkt.get(), sink);
  }
  dec.decode(nullptr, sink);
  CHECK(frames == 50);
}

TEST_CASE("decoder rejects a codec without decoder") {
  codecs::stream_params p;
  p.codec_type = AVMEDIA_TYPE_VIDEO;
  p.codec_id = AV_CODEC_ID_NONE;
  CHECK_THROWS_AS(codecs::decoder(p, 1), codecs::av_error);
}
