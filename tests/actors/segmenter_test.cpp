#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "actors/segmenter.hpp"
#include "codecs/av_ptr.hpp"
#include "codecs/media_probe.hpp"
#include "tests/actors/actor_util.hpp"
#include "tests/codecs/media_util.hpp"

using namespace pvenc;
using actors::plan_atom;
using actors::read_atom;
using actors::segment_plan;

namespace {

// The source packets the segmenter serves must be the file's packets [first, first + count),
// with the analyzer's (repaired) timestamps, and encode to exactly the segment's frames.
codecs::encoded_video check_source(const codecs::segment_source& src,
                                   const actors::segment_spec& spec,
                                   const test::demuxed_video& file, const codecs::media_info& info,
                                   std::int64_t origin_pts = 0) {
  CAPTURE(spec.id);
  CHECK(src.segment_id == spec.id);
  CHECK(src.start_pts == spec.start_pts);
  CHECK(src.end_pts == spec.end_pts);
  CHECK(src.origin_pts == origin_pts);
  CHECK(src.output_width == 320);
  CHECK(src.output_height == 240);
  CHECK(src.video.codec_id == file.params.codec_id);
  CHECK(src.video.extradata == file.params.extradata);
  REQUIRE(src.packets.size() == static_cast<size_t>(spec.packet_count));
  for (size_t i = 0; i < src.packets.size(); ++i) {
    const auto& expected = file.packets[spec.first_packet + i];
    CHECK(src.packets[i].data == expected.data);
    CHECK(src.packets[i].pts == info.video.packets[spec.first_packet + i].pts);
    CHECK(src.packets[i].keyframe == expected.keyframe);
  }
  if (spec.first_packet > 0) {
    REQUIRE(src.priming.size() == 1);
    CHECK(src.priming[0].data == file.packets[0].data);
  } else {
    CHECK(src.priming.empty());
  }
  codecs::encoded_video out = codecs::encode_segment(src, test::fast_settings(), {});
  CHECK(out.frames == spec.end_frame - spec.start_frame);
  CHECK(out.corrupt_packets == 0);
  return out;
}

}  // namespace

TEST_CASE("segmenter plans a file and serves each segment's packets in any order") {
  const std::string& path = test::h264_clip(4, 25);  // 100 frames, an IDR every second
  codecs::media_info info = codecs::probe_media(path);
  test::demuxed_video file = test::demux_video(path);
  REQUIRE(file.packets.size() == 100);

  test::actor_env env;
  {
    caf::scoped_actor self{env.system};
    caf::actor segmenter =
        env.track(actors::spawn_segmenter(env.system, 0.0, test::fast_settings()));
    auto plan =
        test::ask<segment_plan>(self, segmenter, plan_atom::value, info, actors::scene_info{},
                                actors::segment_rules{1.0, 0.5, 2 * 1.0});
    REQUIRE(plan);
    REQUIRE(plan->segments.size() == 4);
    CHECK(plan->queue_order.size() == 4);
    for (const auto& s : plan->segments) CHECK(s.end_frame - s.start_frame == 25);

    // Backwards and forwards: reopen, seek back, read on.
    for (int id : {2, 0, 3, 1, 1}) {
      const auto& spec = plan->segments[id];
      auto src = test::ask<codecs::segment_source>(self, segmenter, read_atom::value, spec);
      REQUIRE(src);
      check_source(*src, spec, file, info);
    }
    test::shut_down(self, segmenter);
  }
}

TEST_CASE("segmenter serves open-GOP segments with their pre-roll") {
  const std::string& path = test::shared_clip(
      "h264_open_gop_4s.mkv",
      "-f lavfi -i testsrc2=size=320x240:rate=25:duration=4 -c:v libx264 -preset ultrafast -bf 2 "
      "-x264-params keyint=25:min-keyint=25:scenecut=0:open-gop=1");
  codecs::media_info info = codecs::probe_media(path);
  test::demuxed_video file = test::demux_video(path);
  test::actor_env env;
  {
    caf::scoped_actor self{env.system};
    caf::actor segmenter =
        env.track(actors::spawn_segmenter(env.system, 0.0, test::fast_settings()));
    auto plan =
        test::ask<segment_plan>(self, segmenter, plan_atom::value, info, actors::scene_info{},
                                actors::segment_rules{1.0, 0.5, 2 * 1.0});
    REQUIRE(plan);
    REQUIRE(plan->segments.size() == 4);
    std::int64_t frames = 0;
    for (int id : {3, 1, 0, 2}) {
      const auto& spec = plan->segments[id];
      if (id > 0) CHECK(spec.preroll_packets > 0);  // only the first keyframe is an IDR
      auto src = test::ask<codecs::segment_source>(self, segmenter, read_atom::value, spec);
      REQUIRE(src);
      check_source(*src, spec, file, info);
      frames += spec.end_frame - spec.start_frame;
    }
    CHECK(frames == 100);
    test::shut_down(self, segmenter);
  }
}

TEST_CASE("segmenter reports a read failure as an error") {
  test::temp_dir dir;
  std::string path = dir.file("clip.mkv");
  REQUIRE(test::run_ffmpeg("-i " + test::h264_clip(2, 25) + " -c copy " + path));
  codecs::media_info info = codecs::probe_media(path);
  test::actor_env env;
  {
    caf::scoped_actor self{env.system};
    caf::actor segmenter =
        env.track(actors::spawn_segmenter(env.system, 0.0, test::fast_settings()));
    auto plan =
        test::ask<segment_plan>(self, segmenter, plan_atom::value, info, actors::scene_info{},
                                actors::segment_rules{10.0, 2.0, 2 * 10.0});
    REQUIRE(plan);
    REQUIRE(plan->segments.size() == 1);
    std::filesystem::remove(path);
    bool failed = false;
    self->request(segmenter, test::reply_timeout, read_atom::value, plan->segments[0])
        .receive([&](codecs::segment_source&) { FAIL_CHECK("read a removed file"); },
                 [&](caf::error& err) {
                   failed = true;
                   CHECK(actors::describe(err).find(path) != std::string::npos);
                 });
    CHECK(failed);
    test::shut_down(self, segmenter);
  }
}

namespace {

// Plans `ext`'s copy of the 4 s clip (1 s segments, the analyzer's start as the origin), reads
// the segments out of order and encodes them: the output must hold every frame once, from 0.
void check_container(const std::string& ext) {
  CAPTURE(ext);
  const std::string& path =
      test::shared_clip("h264_4s." + ext, "-i " + test::h264_clip(4, 25) + " -c copy");
  codecs::media_info info = codecs::probe_media(path);
  test::demuxed_video file = test::demux_video(path);
  REQUIRE(info.video.frame_count == 100);
  std::vector<std::int64_t> pts;
  for (const auto& p : info.video.packets) pts.push_back(p.pts);
  std::sort(pts.begin(), pts.end());
  AVRational tb{info.video.params.time_base.num, info.video.params.time_base.den};
  std::int64_t origin =
      av_rescale_q(static_cast<std::int64_t>(info.video.start_s * 1e6), AV_TIME_BASE_Q, tb);
  CHECK(origin == pts.front());
  test::actor_env env;
  {
    caf::scoped_actor self{env.system};
    caf::actor segmenter =
        env.track(actors::spawn_segmenter(env.system, info.video.start_s, test::fast_settings()));
    auto plan =
        test::ask<segment_plan>(self, segmenter, plan_atom::value, info, actors::scene_info{},
                                actors::segment_rules{1.0, 0.5, 2 * 1.0});
    REQUIRE(plan);
    REQUIRE(plan->segments.size() == 4);
    CHECK(plan->segments[0].start_pts == pts.front());
    std::vector<std::int64_t> out_pts, expected_output;
    for (auto t : pts) expected_output.push_back(t - origin);
    for (int id : {3, 0, 2, 1}) {
      const auto& spec = plan->segments[id];
      auto src = test::ask<codecs::segment_source>(self, segmenter, read_atom::value, spec);
      REQUIRE(src);
      codecs::encoded_video out = check_source(*src, spec, file, info, origin);
      for (auto t : test::sorted_pts(out.packets)) out_pts.push_back(t);
    }
    std::sort(out_pts.begin(), out_pts.end());
    CHECK(out_pts.size() == 100);
    CHECK(out_pts == expected_output);
    test::shut_down(self, segmenter);
  }
}

}  // namespace

TEST_CASE("segmenter and encoder on MPEG-TS (starts at 1.4 s) and MP4 (negative dts)") {
  check_container("ts");
  check_container("mp4");
}

TEST_CASE("segmenter and encoder on a raw h264 stream with B-frames keep every frame") {
  // A raw Annex B stream has no timestamps at all: the analyzer numbers its packets.
  check_container("h264");
}
