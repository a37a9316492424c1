#include <doctest/doctest.h>

#include <algorithm>

#include "codecs/av_error.hpp"
#include "codecs/encoder_table.hpp"
#include "codecs/preflight.hpp"
#include "codecs/video_encoder.hpp"
#include "tests/codecs/media_util.hpp"

using namespace pvenc;

namespace {

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

codecs::stream_params source_320x240() {
  codecs::stream_params p;
  p.codec_type = AVMEDIA_TYPE_VIDEO;
  p.codec_id = AV_CODEC_ID_H264;
  p.width = 320;
  p.height = 240;
  p.format = AV_PIX_FMT_YUV420P;
  p.time_base = {1, 1000};
  p.frame_rate = {25, 1};
  return p;
}

}  // namespace

TEST_CASE("encoder_candidates lists software encoders unless gpu is asked for") {
  auto h264 = codecs::encoder_candidates("h264", false);
  REQUIRE(h264.size() == 1);
  CHECK(h264.front().encoder == "libx264");
  CHECK_FALSE(h264.front().hardware);
  auto h265 = codecs::encoder_candidates("h265", false);
  REQUIRE(!h265.empty());
  CHECK(h265.front().encoder == "libx265");
  CHECK(codecs::encoder_candidates("no-such-codec", true).empty());
  for (const auto& e : codecs::encoder_candidates("h264", true)) CHECK(e.codec == "h264");
  auto all = codecs::available_encoders();
  CHECK(contains(all, "libx264"));
  CHECK(contains(all, "libx265"));
}

TEST_CASE("configure_encoder maps CRF and speed onto x264 options") {
  codecs::video_encode_settings s = test::fast_settings("h264", 30);
  const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
  REQUIRE(codec);
  AVCodecContext* ctx = avcodec_alloc_context3(codec);
  AVDictionary* options = nullptr;
  codecs::configure_encoder({"h264", "libx264", false}, s, *ctx, &options);
  CHECK(std::string(av_dict_get(options, "crf", nullptr, 0)->value) == "30");
  CHECK(std::string(av_dict_get(options, "preset", nullptr, 0)->value) == "ultrafast");
  CHECK(ctx->thread_count == 1);
  av_dict_free(&options);

  s.use_crf = false;
  s.bitrate = 500000;
  codecs::configure_encoder({"h264", "libx264", false}, s, *ctx, &options);
  CHECK(av_dict_get(options, "crf", nullptr, 0) == nullptr);
  CHECK(ctx->bit_rate == 500000);
  av_dict_free(&options);
  avcodec_free_context(&ctx);
}

TEST_CASE("video_encoder opens libx264 and reports its output") {
  codecs::stream_params src = source_320x240();
  codecs::video_stream_shape shape;
  shape.width = 320;
  shape.height = 240;
  shape.source_format = AV_PIX_FMT_YUV420P;
  shape.time_base = {1, 1000};
  shape.frame_rate = {25, 1};
  shape.source = &src;
  codecs::video_encoder enc(test::fast_settings(), shape);
  CHECK(enc.encoder_name() == "libx264");
  CHECK(enc.pixel_format() == AV_PIX_FMT_YUV420P);
  codecs::stream_params out = enc.output_params();
  CHECK(out.codec_id == AV_CODEC_ID_H264);
  CHECK(out.width == 320);
  CHECK(out.time_base.den == 1000);
  CHECK(out.frame_rate.num == 25);
  CHECK_FALSE(out.extradata.empty());
  int packets = 0;
  enc.encode(nullptr, [&](AVPacket&) { ++packets; });
  CHECK(packets == 0);
}

TEST_CASE("preflight_video opens the encoder with the job's shape") {
  codecs::stream_params src = source_320x240();
  auto h264 = codecs::preflight_video(src, test::fast_settings());
  CHECK(h264.codec_id == AV_CODEC_ID_H264);
  CHECK_FALSE(h264.extradata.empty());
  CHECK(h264.level > 0);
  auto h265 = codecs::preflight_video(src, test::fast_settings("h265"));
  CHECK(h265.codec_id == AV_CODEC_ID_HEVC);

  SUBCASE("odd source sizes are cropped to even") {
    src.width = 321;
    src.height = 241;
    int w = 0, h = 0;
    codecs::output_size(src, test::fast_settings(), w, h);
    CHECK(w == 320);
    CHECK(h == 240);
    CHECK(codecs::preflight_video(src, test::fast_settings()).width == 320);
  }
  SUBCASE("no size") {
    src.width = 0;
    src.height = 0;
    CHECK_THROWS_AS(codecs::preflight_video(src, test::fast_settings()), codecs::av_error);
  }
  SUBCASE("unknown codec") {
    CHECK_THROWS_WITH_AS(codecs::preflight_video(src, test::fast_settings("no-such-codec")),
                         doctest::Contains("no-such-codec"), codecs::av_error);
  }
  SUBCASE("odd output size that x264 refuses") {
    codecs::video_encode_settings s = test::fast_settings();
    s.width = 321;
    s.height = 241;
    CHECK_THROWS_AS(codecs::preflight_video(src, s), codecs::av_error);
  }
}

TEST_CASE("muxer_accepts_codec") {
  CHECK(codecs::muxer_accepts_codec("matroska", "aac"));
  CHECK(codecs::muxer_accepts_codec("mp4", "aac"));
  CHECK(codecs::muxer_accepts_codec("webm", "opus"));
  CHECK_FALSE(codecs::muxer_accepts_codec("webm", "aac"));
  CHECK_FALSE(codecs::muxer_accepts_codec("no-such-muxer", "aac"));
  CHECK_FALSE(codecs::muxer_accepts_codec("matroska", "no-such-codec"));
}
