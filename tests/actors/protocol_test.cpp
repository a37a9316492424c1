#include <doctest/doctest.h>

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include "tests/actors/actor_util.hpp"

using namespace pvenc;

namespace {

// Serializes `x` inside a caf::message (as it would cross nodes) and reads it back.
template <class T>
T round_trip(caf::actor_system& system, const T& x) {
  std::vector<char> buffer;
  caf::message in = caf::make_message(x);
  caf::binary_serializer sink{system, buffer};
  auto err = sink(in);
  REQUIRE_MESSAGE(!err, "serializing: " << system.render(err));
  caf::message out;
  caf::binary_deserializer source{system, buffer};
  err = source(out);
  REQUIRE_MESSAGE(!err, "deserializing: " << system.render(err));
  REQUIRE(out.match_elements<T>());
  return out.get_as<T>(0);
}

}  // namespace

TEST_CASE("message types survive serialization") {
  test::actor_env env;

  codecs::segment_source src;
  src.segment_id = 3;
  src.video.codec_id = 27;
  src.video.extradata = {1, 2, 3};
  src.video.time_base = {1, 1000};
  src.video.width = 320;
  codecs::media_packet p;
  p.pts = 40;
  p.dts = codecs::no_timestamp;
  p.keyframe = true;
  p.data = {0, 0, 1, 0x65};
  src.packets = {p, p};
  src.priming = {p};
  src.origin_pts = -80;
  src.start_pts = 1000;
  src.end_pts = 2000;
  src.output_width = 320;
  src.output_height = 240;
  codecs::segment_source src2 = round_trip(env.system, src);
  CHECK(src2.segment_id == 3);
  CHECK(src2.video.extradata == src.video.extradata);
  CHECK(src2.video.time_base.den == 1000);
  REQUIRE(src2.packets.size() == 2);
  CHECK(src2.packets[1].data == p.data);
  CHECK(src2.packets[1].dts == codecs::no_timestamp);
  CHECK(src2.packets[1].keyframe);
  CHECK(src2.priming.size() == 1);
  CHECK(src2.origin_pts == -80);
  CHECK(src2.end_pts == 2000);
  CHECK(src2.output_height == 240);

  actors::job_summary summary;
  summary.ok = true;
  summary.retries = 1;
  summary.encoder = "libx264";
  actors::segment_report report;
  report.spec.id = 2;
  report.spec.end_frame = 25;
  report.spec.preroll_packets = 3;
  actors::attempt_record a;
  a.crf = 27;
  a.error = "x";
  report.attempts = {a, a};
  summary.segments = {report};
  summary.workers = {actors::worker_report{"local/0", "host:1", false, 25, 0.5}};
  actors::job_summary summary2 = round_trip(env.system, summary);
  CHECK(summary2.ok);
  CHECK(summary2.retries == 1);
  CHECK(summary2.encoder == "libx264");
  REQUIRE(summary2.segments.size() == 1);
  CHECK(summary2.segments[0].spec.preroll_packets == 3);
  REQUIRE(summary2.segments[0].attempts.size() == 2);
  CHECK(summary2.segments[0].attempts[1].crf == 27);
  CHECK(summary2.workers.at(0).id == "local/0");

  codecs::media_info info;
  info.path = "in.mkv";
  info.video.packets.resize(3);
  info.video.packets[2].clean_start = true;
  info.audio.resize(1);
  info.audio[0].sample_rate = 48000;
  actors::analysis_result analysis{true, "", info, {}};
  actors::analysis_result analysis2 = round_trip(env.system, analysis);
  CHECK(analysis2.ok);
  CHECK(analysis2.info.video.packets.size() == 3);
  CHECK(analysis2.info.video.packets[2].clean_start);
  CHECK(analysis2.info.audio.at(0).sample_rate == 48000);

  codecs::video_encode_settings s;
  s.codec = "h265";
  s.crf = 31;
  s.frame_rate_num = 30000;
  s.frame_rate_den = 1001;
  codecs::video_encode_settings s2 = round_trip(env.system, s);
  CHECK(s2.codec == "h265");
  CHECK(s2.crf == 31);
  CHECK(s2.frame_rate_den == 1001);

  actors::segment_outcome outcome;
  outcome.segment_id = 4;
  outcome.video.packets = {p};
  outcome.video.frames = 1;
  CHECK(round_trip(env.system, outcome).video.packets.at(0).data == p.data);

  actors::mux_result mux{true, "", 100, 94, 12345};
  CHECK(round_trip(env.system, mux).bytes == 12345);
  actors::progress_update u;
  u.frames_total = 99;
  CHECK(round_trip(env.system, u).frames_total == 99);
  actors::segment_plan plan;
  plan.segments.resize(2);
  plan.queue_order = {1, 0};
  CHECK(round_trip(env.system, plan).queue_order == std::vector<int>{1, 0});
  std::vector<codecs::media_packet> chunk{p, p, p};
  CHECK(round_trip(env.system, chunk).size() == 3);
}
