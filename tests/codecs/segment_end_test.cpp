#include <doctest/doctest.h>

#include "codecs/segment_encoder.hpp"
#include "codecs/segment_end.hpp"
#include "tests/codecs/media_util.hpp"

using namespace pvenc;

namespace {

// The source packets [first, end) of `video` as a segment keeping frames start <= pts < end.
codecs::segment_source rest_of(const test::demuxed_video& video, std::int64_t keyframe_pts,
                               std::int64_t start_pts, std::int64_t end_pts) {
  codecs::segment_source src = test::whole_source(video);
  std::size_t first = 0;
  while (!(video.packets[first].keyframe && video.packets[first].pts == keyframe_pts)) ++first;
  src.packets.assign(video.packets.begin() + first, video.packets.end());
  if (first > 0) src.priming = {video.packets.front()};
  src.start_pts = start_pts;
  src.end_pts = end_pts;
  return src;
}

// Encodes `src` and, once `after` frames are encoded, cuts it before `cut_pts`.
codecs::encoded_video encode_with_cut(const codecs::segment_source& src,
                                      const codecs::video_encode_settings& settings,
                                      std::int64_t after, std::int64_t cut_pts, bool& cut) {
  codecs::segment_end end;
  end.arm(src.segment_id, 1, src.end_pts);
  codecs::segment_hooks hooks;
  hooks.end = &end;
  cut = false;
  hooks.on_progress = [&](std::int64_t frames, std::int64_t) {
    if (frames == after) cut = end.cut(src.segment_id, 1, cut_pts);
  };
  return codecs::encode_segment(src, settings, hooks);
}

}  // namespace

TEST_CASE("segment_end cuts only the armed encode, before its end and after what it took") {
  codecs::segment_end end;
  CHECK(end.take(500));  // nothing armed: every frame is the segment's
  CHECK_FALSE(end.cut(3, 1, 400));

  end.arm(3, 2, 1000);
  CHECK(end.take(100));
  CHECK(end.take(200));
  CHECK(end.taken() == 2);
  CHECK_FALSE(end.cut(4, 2, 600));   // another segment
  CHECK_FALSE(end.cut(3, 1, 600));   // another attempt
  CHECK_FALSE(end.cut(3, 2, 200));   // already taken
  CHECK_FALSE(end.cut(3, 2, 1000));  // not before the end
  CHECK(end.cut(3, 2, 600));
  CHECK(end.take(560));
  CHECK_FALSE(end.take(600));
  CHECK(end.cut(3, 2, 580));  // cut again, earlier
  CHECK(end.close() == 580);
  CHECK_FALSE(end.cut(3, 2, 570));  // closed: the encode took its last frame

  end.disarm();
  CHECK(end.take(5000));
  CHECK_FALSE(end.cut(3, 2, 100));
}

TEST_CASE("a segment cut while it is encoded ends there, and its rest encodes the remainder") {
  test::demuxed_video video = test::demux_video(test::h264_clip(2, 25));
  REQUIRE(video.packets.size() == 50);  // pts 0, 40, .. 1960 ms; IDRs at 0 and 1000
  codecs::segment_source src = test::whole_source(video);
  auto settings = test::fast_settings();
  std::vector<std::int64_t> all = test::sorted_pts(video.packets);
  for (auto& t : all) t -= src.origin_pts;

  bool cut = false;
  codecs::encoded_video head = encode_with_cut(src, settings, 5, 1200, cut);
  REQUIRE(cut);
  CHECK(head.frames == 30);
  CHECK(head.end_pts == 1200);
  std::vector<std::int64_t> head_pts = test::sorted_pts(head.packets);
  CHECK(head_pts == std::vector<std::int64_t>(all.begin(), all.begin() + 30));
  test::decode_stats decoded = test::decode_all(head.params, head.packets);
  CHECK(decoded.frames == 30);
  CHECK(decoded.corrupt == 0);

  // The rest starts mid-GOP: decoded from the IDR at 1000, encoded from 1200.
  codecs::encoded_video rest =
      codecs::encode_segment(rest_of(video, 1000, 1200, src.end_pts), settings, {});
  CHECK(rest.frames == 20);
  CHECK(rest.end_pts == src.end_pts);
  REQUIRE(!rest.packets.empty());
  CHECK(rest.packets.front().keyframe);
  std::vector<std::int64_t> joined = head_pts;
  for (auto t : test::sorted_pts(rest.packets)) joined.push_back(t);
  CHECK(joined == all);

  SUBCASE("a cut behind the encode is refused and changes nothing") {
    codecs::encoded_video whole = encode_with_cut(src, settings, 10, 80, cut);
    CHECK_FALSE(cut);
    CHECK(whole.frames == 50);
    CHECK(whole.end_pts == src.end_pts);
  }
}

TEST_CASE("a cut segment at a converted frame rate and its rest share no output slot") {
  test::demuxed_video video = test::demux_video(test::h264_clip(2, 25));
  codecs::segment_source src = test::whole_source(video);
  auto settings = test::fast_settings();
  settings.frame_rate_num = 10;
  settings.frame_rate_den = 1;

  bool cut = false;
  codecs::encoded_video head = encode_with_cut(src, settings, 2, 1240, cut);
  REQUIRE(cut);
  codecs::encoded_video rest =
      codecs::encode_segment(rest_of(video, 1000, 1240, src.end_pts), settings, {});
  std::vector<std::int64_t> joined = test::sorted_pts(head.packets);
  CHECK(joined.size() == 13);  // slots 0..12 (0..1200 ms) show frames before 1240 ms
  for (auto t : test::sorted_pts(rest.packets)) joined.push_back(t);
  std::vector<std::int64_t> slots;
  for (int i = 0; i < 20; ++i) slots.push_back(i);
  CHECK(joined == slots);
}
