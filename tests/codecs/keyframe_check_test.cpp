#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
}

#include "codecs/keyframe_check.hpp"
#include "tests/codecs/media_util.hpp"

using namespace pvenc;
using bytes = std::vector<std::uint8_t>;

namespace {

bool clean(int codec, const bytes& extradata, const bytes& packet) {
  return codecs::is_clean_start(codec, extradata, packet.data(), static_cast<int>(packet.size()));
}

// Keyframe packets of a file and whether each is a clean start.
std::vector<bool> keyframes_clean(const std::string& path) {
  test::demuxed_video video = test::demux_video(path);
  std::vector<bool> out;
  for (const auto& p : video.packets)
    if (p.keyframe)
      out.push_back(codecs::is_clean_start(video.params.codec_id, video.params.extradata,
                                           p.data.data(), static_cast<int>(p.data.size())));
  return out;
}

}  // namespace

TEST_CASE("h264 Annex B: IDR slices are clean starts, other slices are not") {
  const bytes none;
  CHECK(clean(AV_CODEC_ID_H264, none, {0, 0, 1, 0x65, 0x88, 0x84}));
  CHECK(clean(AV_CODEC_ID_H264, none, {0, 0, 0, 1, 0x65, 0x88, 0x84}));
  CHECK_FALSE(clean(AV_CODEC_ID_H264, none, {0, 0, 1, 0x41, 0x9a, 0x02}));
  CHECK_FALSE(clean(AV_CODEC_ID_H264, none, {0, 0, 1, 0x01, 0x9a, 0x02}));
  // SPS, PPS, SEI, then the IDR slice.
  CHECK(clean(AV_CODEC_ID_H264, none, {0,    0, 0, 1, 0x67, 0x64, 0,    0x1f, 0, 0, 0,    1,   0x68,
                                       0xee, 0, 0, 1, 0x06, 0x05, 0x01, 0,    0, 1, 0x65, 0x88}));
  // Recovery-point SEI plus a non-IDR I slice (x264 open GOP): not clean.
  CHECK_FALSE(
      clean(AV_CODEC_ID_H264, none, {0, 0, 1, 0x06, 0x06, 0x01, 0x80, 0, 0, 1, 0x21, 0x88}));
  CHECK_FALSE(clean(AV_CODEC_ID_H264, none, {}));
}

TEST_CASE("h264 length-prefixed (avcC): the NAL type is read after the length") {
  const bytes avcc{1, 0x64, 0, 0x1f, 0xff, 0xe1, 0, 0};  // lengthSizeMinusOne = 3
  CHECK(clean(AV_CODEC_ID_H264, avcc, {0, 0, 0, 3, 0x65, 0x88, 0x84}));
  CHECK_FALSE(clean(AV_CODEC_ID_H264, avcc, {0, 0, 0, 3, 0x41, 0x9a, 0x02}));
  // An SEI first, then the IDR slice.
  CHECK(clean(AV_CODEC_ID_H264, avcc, {0, 0, 0, 2, 0x06, 0x05, 0, 0, 0, 3, 0x65, 0x88, 0x84}));
  // A payload that contains 00 00 01 65 inside a non-IDR NAL must not count as an IDR.
  CHECK_FALSE(clean(AV_CODEC_ID_H264, avcc, {0, 0, 0, 6, 0x41, 0, 0, 1, 0x65, 0x01}));
  // Two-byte lengths (lengthSizeMinusOne = 1).
  const bytes avcc2{1, 0x64, 0, 0x1f, 0xfd, 0xe1, 0, 0};
  CHECK(clean(AV_CODEC_ID_H264, avcc2, {0, 3, 0x65, 0x88, 0x84}));
  CHECK_FALSE(clean(AV_CODEC_ID_H264, avcc2, {0, 3, 0x41, 0x88, 0x84}));
}

TEST_CASE("hevc: IDR_W_RADL (19) and IDR_N_LP (20) are clean, CRA (21) is not") {
  const bytes none;
  auto nal = [](int type) {
    return bytes{0, 0, 1, static_cast<std::uint8_t>(type << 1), 0x01, 0xaf};
  };
  CHECK(clean(AV_CODEC_ID_HEVC, none, nal(19)));
  CHECK(clean(AV_CODEC_ID_HEVC, none, nal(20)));
  CHECK_FALSE(clean(AV_CODEC_ID_HEVC, none, nal(21)));
  CHECK_FALSE(clean(AV_CODEC_ID_HEVC, none, nal(1)));
  // hvcC: byte 21 holds lengthSizeMinusOne.
  bytes hvcc(23, 0);
  hvcc[0] = 1;
  hvcc[21] = 0x0f;  // lengthSizeMinusOne = 3
  CHECK(clean(AV_CODEC_ID_HEVC, hvcc, {0, 0, 0, 3, 19 << 1, 0x01, 0xaf}));
  CHECK_FALSE(clean(AV_CODEC_ID_HEVC, hvcc, {0, 0, 0, 3, 21 << 1, 0x01, 0xaf}));
}

TEST_CASE("other codecs: VP9/AV1 keyframes and intra-only codecs are clean") {
  const bytes none, any{0x82, 0x49, 0x83};
  CHECK(clean(AV_CODEC_ID_VP9, none, any));
  CHECK(clean(AV_CODEC_ID_AV1, none, any));
  CHECK(clean(AV_CODEC_ID_MJPEG, none, any));
  CHECK(clean(AV_CODEC_ID_RAWVIDEO, none, any));
  CHECK_FALSE(clean(AV_CODEC_ID_MPEG2VIDEO, none, any));
}

TEST_CASE("x264 files: closed GOP keyframes are clean, open GOP recovery points are not") {
  const std::string& closed = test::h264_clip(2, 25);
  CHECK(keyframes_clean(closed) == std::vector<bool>{true, true});

  const std::string& open = test::shared_clip(
      "h264_open_gop.mkv",
      "-f lavfi -i testsrc2=size=160x120:rate=25:duration=3 -c:v libx264 -preset ultrafast -bf 2 "
      "-x264-params keyint=25:min-keyint=25:scenecut=0:open-gop=1");
  CHECK(keyframes_clean(open) == std::vector<bool>{true, false, false});
}

TEST_CASE("x265 files: the first IDR is clean, later CRA keyframes are not") {
  const std::string& path = test::shared_clip(
      "hevc_open_gop.mkv",
      "-f lavfi -i testsrc2=size=160x120:rate=25:duration=2 -c:v libx265 -preset ultrafast "
      "-x265-params log-level=error:keyint=25:min-keyint=25:scenecut=0:open-gop=1");
  std::vector<bool> keys = keyframes_clean(path);
  REQUIRE(keys.size() >= 2);
  CHECK(keys.front());
  for (size_t i = 1; i < keys.size(); ++i) CHECK_FALSE(keys[i]);
}
