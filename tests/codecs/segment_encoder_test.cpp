#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>

#include "codecs/av_error.hpp"
#include "codecs/media_probe.hpp"
#include "codecs/preflight.hpp"
#include "codecs/segment_encoder.hpp"
#include "tests/codecs/media_util.hpp"

using namespace pvenc;

namespace {

std::vector<std::int64_t> encoded_pts(const codecs::encoded_video& out) {
  return test::sorted_pts(out.packets);
}

// The source packets [first, last) of `video` as a segment keeping frames start <= pts < end.
codecs::segment_source window(const test::demuxed_video& video, size_t first, size_t last,
                              std::int64_t start_pts, std::int64_t end_pts) {
  codecs::segment_source src = test::whole_source(video);
  src.packets.assign(video.packets.begin() + first, video.packets.begin() + last);
  if (first > 0) src.priming = {video.packets.front()};
  src.start_pts = start_pts;
  src.end_pts = end_pts;
  return src;
}

// Index (decode order) of the keyframe packet with pts `pts`.
size_t keyframe_index(const test::demuxed_video& video, std::int64_t pts) {
  for (size_t i = 0; i < video.packets.size(); ++i)
    if (video.packets[i].keyframe && video.packets[i].pts == pts) return i;
  FAIL("no keyframe at pts " << pts);
  return 0;
}

size_t first_difference(const codecs::encoded_video& a, const codecs::encoded_video& b) {
  const auto& x = a.params.extradata;
  const auto& y = b.params.extradata;
  auto diff = std::mismatch(x.begin(), x.end(), y.begin(), y.end());
  return static_cast<size_t>(diff.first - x.begin());
}

}  // namespace

TEST_CASE("encode_segment encodes every frame of a whole clip") {
  test::demuxed_video video = test::demux_video(test::h264_clip(2, 25));
  REQUIRE(video.packets.size() == 50);
  codecs::segment_source src = test::whole_source(video);

  std::int64_t progress_calls = 0, last_progress = 0;
  codecs::segment_hooks hooks;
  hooks.on_progress = [&](std::int64_t frames, std::int64_t encoded) {
    CHECK(encoded <= frames);
    ++progress_calls;
    CHECK(frames >= last_progress);
    last_progress = frames;
  };
  codecs::encoded_video out = codecs::encode_segment(src, test::fast_settings(), hooks);

  CHECK(out.encoder == "libx264");
  CHECK(out.frames == 50);
  CHECK(out.packets.size() == 50);
  CHECK(out.corrupt_packets == 0);
  CHECK(progress_calls > 0);
  CHECK(last_progress == 50);
  std::int64_t bytes = 0;
  for (const auto& p : out.packets) bytes += static_cast<std::int64_t>(p.data.size());
  CHECK(out.bytes == bytes);
  CHECK(out.bytes > 0);

  // Output timeline = source pts - origin, in the source time base (1/1000 here).
  CHECK(out.params.time_base.num == 1);
  CHECK(out.params.time_base.den == 1000);
  std::vector<std::int64_t> expected = test::sorted_pts(video.packets);
  for (auto& t : expected) t -= src.origin_pts;
  CHECK(encoded_pts(out) == expected);

  REQUIRE(!out.packets.empty());
  CHECK(out.packets.front().keyframe);
  CHECK(out.params.width == 320);
  CHECK(out.params.height == 240);
  CHECK_FALSE(out.params.extradata.empty());

  // The packets decode on their own, with the encoder's parameters.
  test::decode_stats decoded = test::decode_all(out.params, out.packets);
  CHECK(decoded.frames == 50);
  CHECK(decoded.corrupt == 0);
  CHECK(decoded.width == 320);
  CHECK(decoded.height == 240);
}

TEST_CASE("encode_segment keeps only the frames of its window") {
  test::demuxed_video video = test::demux_video(test::h264_clip(4, 25));
  REQUIRE(video.packets.size() == 100);
  // Segment = frames 25..74 (pts 1000..2960 ms), read from the IDR at 1000 to the IDR at 3000.
  size_t first = keyframe_index(video, 1000);
  size_t next = keyframe_index(video, 3000);
  codecs::segment_source src = window(video, first, next, 1000, 3000);
  codecs::encoded_video out = codecs::encode_segment(src, test::fast_settings(), {});

  CHECK(out.frames == 50);
  std::vector<std::int64_t> expected;
  for (int i = 25; i < 75; ++i) expected.push_back(i * 40);
  CHECK(encoded_pts(out) == expected);
  REQUIRE(!out.packets.empty());
  CHECK(out.packets.front().keyframe);
  CHECK(out.packets.front().pts == 1000);
  test::decode_stats decoded = test::decode_all(out.params, out.packets);
  CHECK(decoded.frames == 50);
  CHECK(decoded.corrupt == 0);

  SUBCASE("pre-roll frames before start_pts are decoded but not encoded") {
    // Read from the IDR at 1000 but keep only pts 1400..2960 (frames 35..74).
    src.start_pts = 1400;
    codecs::encoded_video tail = codecs::encode_segment(src, test::fast_settings(), {});
    CHECK(tail.frames == 40);
    REQUIRE(!tail.packets.empty());
    CHECK(encoded_pts(tail).front() == 1400);
    CHECK(encoded_pts(tail).back() == 2960);
    CHECK(tail.packets.front().keyframe);
  }
  SUBCASE("the origin shifts the output timeline") {
    src.origin_pts = 1000;
    codecs::encoded_video shifted = codecs::encode_segment(src, test::fast_settings(), {});
    CHECK(encoded_pts(shifted).front() == 0);
    CHECK(encoded_pts(shifted).back() == 1960);
  }
}

TEST_CASE("encode_segment with an output size scales the frames") {
  test::demuxed_video video = test::demux_video(test::h264_clip(2, 25));
  codecs::segment_source src = test::whole_source(video);
  src.output_width = 160;
  src.output_height = 90;
  codecs::encoded_video out = codecs::encode_segment(src, test::fast_settings(), {});
  CHECK(out.frames == 50);
  CHECK(out.params.width == 160);
  CHECK(out.params.height == 90);
  test::decode_stats decoded = test::decode_all(out.params, out.packets);
  CHECK(decoded.frames == 50);
  CHECK(decoded.width == 160);
  CHECK(decoded.height == 90);
}

TEST_CASE("encode_segment crops an odd-sized source to even dimensions") {
  test::demuxed_video video = test::demux_video("lavfi:testsrc2=size=321x241:rate=25:duration=1");
  REQUIRE(video.packets.size() == 25);
  codecs::segment_source src = test::whole_source(video);
  codecs::output_size(src.video, test::fast_settings(), src.output_width, src.output_height);
  CHECK(src.output_width == 320);
  CHECK(src.output_height == 240);
  codecs::encoded_video out = codecs::encode_segment(src, test::fast_settings(), {});
  CHECK(out.frames == 25);
  test::decode_stats decoded = test::decode_all(out.params, out.packets);
  CHECK(decoded.frames == 25);
  CHECK(decoded.width == 320);
  CHECK(decoded.height == 240);
}

TEST_CASE("encode_segment converts the frame rate onto a constant output rate") {
  test::demuxed_video video = test::demux_video(test::h264_clip(2, 25));
  codecs::segment_source src = test::whole_source(video);
  codecs::video_encode_settings settings = test::fast_settings();
  settings.frame_rate_num = 10;
  settings.frame_rate_den = 1;
  codecs::encoded_video out = codecs::encode_segment(src, settings, {});

  CHECK(out.frames == 20);
  CHECK(out.params.time_base.num == 1);
  CHECK(out.params.time_base.den == 10);
  std::vector<std::int64_t> expected;
  for (int i = 0; i < 20; ++i) expected.push_back(i);
  CHECK(encoded_pts(out) == expected);
  test::decode_stats decoded = test::decode_all(out.params, out.packets);
  CHECK(decoded.frames == 20);

  SUBCASE("a higher rate repeats frames") {
    settings.frame_rate_num = 50;
    codecs::encoded_video fast = codecs::encode_segment(src, settings, {});
    CHECK(fast.frames == 100);
    CHECK(fast.params.time_base.den == 50);
    std::vector<std::int64_t> slots;
    for (int i = 0; i < 100; ++i) slots.push_back(i);
    CHECK(encoded_pts(fast) == slots);
  }
  SUBCASE("two halves cover the same slots as the whole") {
    // Frames 0..24 and 25..49, cut at the IDR at 1000 ms.
    size_t cut = keyframe_index(video, 1000);
    codecs::encoded_video a = codecs::encode_segment(window(video, 0, cut, 0, 1000), settings, {});
    codecs::encoded_video b =
        codecs::encode_segment(window(video, cut, video.packets.size(), 1000, 2000), settings, {});
    std::vector<std::int64_t> joined = encoded_pts(a);
    for (auto t : encoded_pts(b)) joined.push_back(t);
    CHECK(joined == expected);
  }
}

TEST_CASE("encode_segment fails on injected failure and on cancellation") {
  test::demuxed_video video = test::demux_video(test::h264_clip(2, 25));
  codecs::segment_source src = test::whole_source(video);

  SUBCASE("inject_failure") {
    codecs::segment_hooks hooks;
    hooks.inject_failure = true;
    CHECK_THROWS_AS(codecs::encode_segment(src, test::fast_settings(), hooks), codecs::av_error);
  }
  SUBCASE("cancel flag set before the start") {
    std::atomic<bool> cancel{true};
    codecs::segment_hooks hooks;
    hooks.cancel = &cancel;
    CHECK_THROWS_WITH_AS(codecs::encode_segment(src, test::fast_settings(), hooks), "cancelled",
                         codecs::av_error);
  }
  SUBCASE("cancel flag set while encoding") {
    std::atomic<bool> cancel{false};
    codecs::segment_hooks hooks;
    hooks.cancel = &cancel;
    hooks.on_progress = [&](std::int64_t frames, std::int64_t) {
      if (frames >= 8) cancel = true;
    };
    CHECK_THROWS_AS(codecs::encode_segment(src, test::fast_settings(), hooks), codecs::av_error);
  }
  SUBCASE("an unknown codec") {
    CHECK_THROWS_AS(codecs::encode_segment(src, test::fast_settings("no-such-codec"), {}),
                    codecs::av_error);
  }
}

TEST_CASE("inject_failure fails the encode even when fewer frames are kept than packets read") {
  // The fault drill must fail every time it is asked to, whatever the segment's shape.
  test::demuxed_video video = test::demux_video(test::h264_clip(2, 25));
  codecs::segment_source src = test::whole_source(video);

  SUBCASE("inject_failure while converting to a lower frame rate") {
    // 50 source packets, 20 output frames: the drill must still fail.
    codecs::video_encode_settings settings = test::fast_settings();
    settings.frame_rate_num = 10;
    settings.frame_rate_den = 1;
    codecs::segment_hooks hooks;
    hooks.inject_failure = true;
    CHECK_THROWS_AS(codecs::encode_segment(src, settings, hooks), codecs::av_error);
  }
  SUBCASE("inject_failure in a segment with a long pre-roll") {
    // Read from the first IDR but keep only the last 10 frames (pts 1600..1960).
    src.start_pts = 1600;
    codecs::segment_hooks hooks;
    hooks.inject_failure = true;
    CHECK_THROWS_AS(codecs::encode_segment(src, test::fast_settings(), hooks), codecs::av_error);
  }
}

TEST_CASE("segments encoded at different rates share their parameter sets (stitchable)") {
  test::demuxed_video video = test::demux_video(test::h264_clip(2, 25));
  size_t cut = keyframe_index(video, 1000);
  codecs::segment_source first = window(video, 0, cut, 0, 1000);
  codecs::segment_source second = window(video, cut, video.packets.size(), 1000, 2000);

  SUBCASE("h264") {
    codecs::encoded_video a = codecs::encode_segment(first, test::fast_settings("h264", 23), {});
    codecs::encoded_video b = codecs::encode_segment(second, test::fast_settings("h264", 31), {});
    CHECK(a.frames == 25);
    CHECK(b.frames == 25);
    CHECK_FALSE(a.params.extradata.empty());
    CHECK(a.params.extradata == b.params.extradata);
  }
  SUBCASE("h264 in bitrate mode (a retry asks for 0.8 x the bitrate)") {
    codecs::video_encode_settings high = test::fast_settings("h264");
    high.use_crf = false;
    high.bitrate = 400000;
    // job_runner pins the level that the first attempt gets (preflight_video) for all attempts.
    high.level = codecs::preflight_video(first.video, high).level;
    REQUIRE(high.level > 0);
    codecs::video_encode_settings low = high;
    low.bitrate = 320000;
    codecs::encoded_video a = codecs::encode_segment(first, high, {});
    codecs::encoded_video b = codecs::encode_segment(second, low, {});
    CHECK(a.frames == 25);
    CHECK(b.frames == 25);
    INFO("extradata sizes " << a.params.extradata.size() << " / " << b.params.extradata.size()
                            << ", first difference at byte " << first_difference(a, b));
    CHECK(a.params.extradata == b.params.extradata);
  }
  SUBCASE("h265") {
    codecs::encoded_video a = codecs::encode_segment(first, test::fast_settings("h265", 23), {});
    codecs::encoded_video b = codecs::encode_segment(second, test::fast_settings("h265", 31), {});
    CHECK(a.encoder == "libx265");
    CHECK(a.frames == 25);
    CHECK(b.frames == 25);
    CHECK(test::decode_all(a.params, a.packets).frames == 25);
    CHECK_FALSE(a.params.extradata.empty());
    // The muxer refuses segments whose parameter sets differ from segment 0's, so a retry at a
    // higher CRF must not change them.
    INFO("extradata sizes " << a.params.extradata.size() << " / " << b.params.extradata.size()
                            << ", first difference at byte " << first_difference(a, b));
    CHECK(a.params.extradata == b.params.extradata);
  }
}

TEST_CASE("encode_segment keeps every frame when the source pts follow decode order") {
  // A raw Annex B stream has no timestamps: the analyzer numbers its packets in decode order.
  // With B-frames, frames then leave the decoder with pts out of order; none may be lost.
  const std::string& path =
      test::shared_clip("h264_2s_raw.h264", "-i " + test::h264_clip(2, 25) + " -c copy");
  codecs::media_info info = codecs::probe_media(path);
  test::demuxed_video video = test::demux_video(path);
  REQUIRE(video.packets.size() == 50);
  REQUIRE(info.video.packets.size() == 50);
  for (size_t i = 0; i < video.packets.size(); ++i)
    video.packets[i].pts = info.video.packets[i].pts;
  codecs::segment_source src = test::whole_source(video);
  codecs::encoded_video out = codecs::encode_segment(src, test::fast_settings(), {});
  CHECK(out.frames == 50);
  CHECK(out.corrupt_packets == 0);
  std::vector<std::int64_t> expected = test::sorted_pts(video.packets);
  for (auto& t : expected) t -= src.origin_pts;
  CHECK(encoded_pts(out) == expected);
}
