#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>

#include "actors/encoder_worker.hpp"
#include "actors/muxer.hpp"
#include "actors/progress.hpp"
#include "actors/retry_supervisor.hpp"
#include "actors/segmenter.hpp"
#include "codecs/media_probe.hpp"
#include "tests/actors/actor_util.hpp"
#include "tests/codecs/media_util.hpp"

using namespace pvenc;
using actors::job_summary;
using actors::mux_result;
namespace fs = std::filesystem;

namespace {

struct job_request {
  std::string input;
  std::string output;
  codecs::video_encode_settings settings = test::fast_settings();
  int workers = 2;
  int max_attempts = 3;
  std::vector<int> fail_segments;
  int fail_attempts = 1;
  std::vector<int> crash_segments;
  std::vector<int> stall_segments;
  double segment_timeout = 0;
  // Workers that join as one remote node with these capabilities (local encoder workers
  // standing in for a node's stubs), and source sizes to pretend for some segments.
  int remote_workers = 0;
  actors::worker_capabilities remote_caps;
  std::map<int, std::int64_t> source_bytes;
  double wait_for_workers = 60;
  int short_remote_outcomes = 0;  // see short_outcome_relay
  int remote_cores_per_worker = 1;
};

struct job_result {
  actors::segment_plan plan;
  std::optional<job_summary> summary;
  std::optional<mux_result> mux;  // asked for only when the summary is ok
  bool cancelled = false;         // the cancel flag after the job
};

// Stands in for a node whose answers to cuts were lost: relays encode requests to `worker` and
// reports the first `count` successful outcomes as ending one pts early, as segments cut short
// would.
caf::behavior short_outcome_relay(caf::event_based_actor* self, caf::actor worker, int count) {
  auto left = std::make_shared<int>(count);
  return {[=](actors::encode_atom, const caf::message& source,
              const codecs::video_encode_settings& settings, int attempt, int drill) {
    auto promise = self->make_response_promise<actors::segment_outcome>();
    self->request(worker, caf::infinite, actors::encode_atom::value, source, settings, attempt,
                  drill)
        .then(
            [=](actors::segment_outcome& outcome) mutable {
              if (outcome.ok && *left > 0) {
                --*left;
                outcome.video.end_pts -= 1;
              }
              promise.deliver(std::move(outcome));
            },
            [=](caf::error& err) mutable { promise.deliver(std::move(err)); });
    return promise;
  }};
}

// Runs segmenter, supervisor (with its workers), muxer and progress on `input` the way the job
// runner does (1 s segments), then shuts every actor down.
// The report of the plan's segment `id` (a summary lists segments in file order, and the rests
// cut off running segments for idle workers among them).
const actors::segment_report& planned(const job_summary& summary, int id) {
  for (const auto& s : summary.segments)
    if (s.spec.id == id) return s;
  FAIL("no segment " << id);
  return summary.segments.front();
}

job_result run_job(test::actor_env& env, const job_request& job) {
  caf::actor_system& system = env.system;
  job_result result;
  codecs::media_info info = codecs::probe_media(job.input);
  auto cancel = std::make_shared<std::atomic<bool>>(false);
  caf::scoped_actor self{system};
  caf::actor segmenter = env.track(actors::spawn_segmenter(system, 0.0, job.settings));
  auto plan = test::ask<actors::segment_plan>(self, segmenter, actors::plan_atom::value, info,
                                              actors::scene_info{},
                                              actors::segment_rules{1.0, 0.5, 2 * 1.0});
  REQUIRE(plan);
  result.plan = *plan;

  actors::muxer_options mux;
  mux.output_path = job.output;
  mux.container = "matroska";
  mux.segment_count = static_cast<int>(plan->segments.size());
  mux.expect_audio = false;
  caf::actor muxer = env.track(actors::spawn_muxer(system, mux));
  caf::actor progress = env.track(actors::spawn_progress(system, actors::progress_style::none));

  actors::supervisor_options sup;
  sup.plan = *plan;
  for (const auto& [id, bytes] : job.source_bytes) sup.plan.segments[id].source_bytes = bytes;
  sup.output_width = 320;
  sup.output_height = 240;
  sup.wait_for_workers = job.wait_for_workers;
  sup.settings = job.settings;
  sup.worker_count = job.workers;
  sup.max_attempts = job.max_attempts;
  sup.fail_segments = job.fail_segments;
  sup.fail_attempts = job.fail_attempts;
  sup.crash_segments = job.crash_segments;
  sup.stall_segments = job.stall_segments;
  sup.segment_timeout = job.segment_timeout;
  sup.remote_cores_per_worker = job.remote_cores_per_worker;
  sup.segmenter = segmenter;
  sup.muxer = muxer;
  sup.progress = progress;
  sup.cancel = cancel;
  caf::actor supervisor = env.track(actors::spawn_retry_supervisor(system, sup));
  if (job.remote_workers > 0) {
    std::vector<caf::actor> handles;
    for (int i = 0; i < job.remote_workers; ++i) {
      caf::actor worker = env.track(
          actors::spawn_encoder_worker(system, job.remote_caps.node + "/" + std::to_string(i),
                                       supervisor, std::make_shared<std::atomic<bool>>(false)));
      if (job.short_remote_outcomes > 0)
        worker = env.track(system.spawn(short_outcome_relay, worker, job.short_remote_outcomes));
      handles.push_back(worker);
    }
    self->send(supervisor, actors::node_atom::value, job.remote_caps, handles);
  }

  result.summary = test::ask<job_summary>(self, supervisor, actors::start_atom::value);
  if (result.summary && result.summary->ok)
    result.mux = test::ask<mux_result>(self, muxer, actors::finish_atom::value);
  else
    self->send(muxer, actors::abort_atom::value);
  result.cancelled = cancel->load();

  auto flushed = test::ask<bool>(self, progress, actors::finish_atom::value);
  CHECK(flushed.value_or(false));
  for (const auto& a : {supervisor, segmenter, muxer}) test::shut_down(self, a);
  return result;
}

}  // namespace

TEST_CASE("retry_supervisor encodes every segment and the muxer joins them") {
  test::actor_env env;
  test::temp_dir dir;
  job_request job;
  job.input = test::h264_clip(4, 25);
  job.output = dir.file("out.mkv");
  job_result r = run_job(env, job);

  REQUIRE(r.plan.segments.size() == 4);
  REQUIRE(r.summary);
  CHECK(r.summary->ok);
  CHECK(r.summary->error.empty());
  CHECK(r.summary->retries == 0);
  CHECK(r.summary->encoder == "libx264");
  REQUIRE(r.summary->segments.size() == 4);
  std::int64_t frames = 0;
  for (const auto& s : r.summary->segments) {
    REQUIRE(s.attempts.size() == 1);
    CHECK(s.attempts[0].ok);
    CHECK(s.attempts[0].crf == 23);
    CHECK(s.frames == 25);
    CHECK(s.bytes > 0);
    frames += s.frames;
  }
  CHECK(frames == 100);
  REQUIRE(r.summary->workers.size() == 2);
  CHECK(r.summary->workers[0].frames + r.summary->workers[1].frames == 100);
  CHECK_FALSE(r.cancelled);

  REQUIRE(r.mux);
  CHECK(r.mux->ok);
  CHECK(r.mux->error.empty());
  CHECK(r.mux->video_packets == 100);
  CHECK(r.mux->audio_packets == 0);
  REQUIRE(fs::exists(job.output));
  CHECK(r.mux->bytes == static_cast<std::int64_t>(fs::file_size(job.output)));
  CHECK_FALSE(fs::exists(dir.file(".out.mkv.partial")));
  test::decode_stats decoded = test::decode_file(job.output);
  CHECK(decoded.frames == 100);
  CHECK(decoded.corrupt == 0);
  codecs::media_info out = codecs::probe_media(job.output);
  CHECK(out.video.frame_count == 100);
  CHECK(out.video.duration_s == doctest::Approx(4.0).epsilon(0.001));
}

TEST_CASE("retry_supervisor retries a failed segment one quality step lower") {
  test::actor_env env;
  test::temp_dir dir;
  job_request job;
  job.input = test::h264_clip(4, 25);
  job.output = dir.file("retried.mkv");
  job.fail_segments = {0};
  job.fail_attempts = 1;
  job_result r = run_job(env, job);

  REQUIRE(r.summary);
  CHECK(r.summary->ok);
  CHECK(r.summary->retries == 1);
  REQUIRE(r.summary->segments.size() == 4);
  const auto& first = r.summary->segments[0];
  REQUIRE(first.attempts.size() == 2);
  CHECK(first.attempts[0].attempt == 1);
  CHECK(first.attempts[0].crf == 23);
  CHECK_FALSE(first.attempts[0].ok);
  CHECK(first.attempts[0].error.find("injected") != std::string::npos);
  CHECK(first.attempts[1].attempt == 2);
  CHECK(first.attempts[1].crf == 27);
  CHECK(first.attempts[1].ok);
  CHECK(first.frames == 25);
  for (size_t i = 1; i < 4; ++i) CHECK(r.summary->segments[i].attempts.size() == 1);

  REQUIRE(r.mux);
  CHECK(r.mux->ok);
  CHECK(r.mux->video_packets == 100);
  CHECK(test::decode_file(job.output).frames == 100);
}

TEST_CASE("retry_supervisor lowers the bitrate on a retry in bitrate mode") {
  test::actor_env env;
  test::temp_dir dir;
  job_request job;
  job.input = test::h264_clip(2, 25);
  job.output = dir.file("bitrate.mkv");
  job.settings.use_crf = false;
  job.settings.bitrate = 400000;
  job.settings.level = 20;  // job_runner pins the first attempt's level for every attempt
  job.fail_segments = {1};
  job_result r = run_job(env, job);

  REQUIRE(r.summary);
  CHECK(r.summary->ok);
  REQUIRE(r.summary->segments.size() == 2);
  const auto& retried = r.summary->segments[1];
  REQUIRE(retried.attempts.size() == 2);
  CHECK(retried.attempts[0].crf == -1);
  CHECK(retried.attempts[0].bitrate == 400000);
  CHECK(retried.attempts[1].bitrate == 320000);
  CHECK(retried.attempts[1].ok);
  REQUIRE(r.mux);
  // The muxer needs the retry's parameter sets to equal segment 0's.
  INFO("mux error: " << r.mux->error);
  CHECK(r.mux->ok);
  if (r.mux->ok) CHECK(test::decode_file(job.output).frames == 50);
}

TEST_CASE("retry_supervisor gives up after max_attempts") {
  test::actor_env env;
  test::temp_dir dir;
  job_request job;
  job.input = test::h264_clip(4, 25);
  job.output = dir.file("failed.mkv");
  job.workers = 1;
  job.settings.crf = 45;  // steps of 4, capped at max_crf (51)
  job.fail_segments = {2};
  job.fail_attempts = 3;
  job.max_attempts = 3;
  job_result r = run_job(env, job);

  REQUIRE(r.summary);
  CHECK_FALSE(r.summary->ok);
  CHECK(r.summary->error.find("segment 2") != std::string::npos);
  CHECK(r.summary->retries == 2);
  REQUIRE(r.summary->segments.size() == 4);
  const auto& failed = r.summary->segments[2];
  REQUIRE(failed.attempts.size() == 3);
  CHECK(failed.attempts[0].crf == 45);
  CHECK(failed.attempts[1].crf == 49);
  CHECK(failed.attempts[2].crf == 51);
  for (const auto& a : failed.attempts) CHECK_FALSE(a.ok);
  CHECK(r.cancelled);  // the supervisor stops the other workers
  // The aborted muxer leaves nothing behind.
  CHECK_FALSE(fs::exists(job.output));
  CHECK_FALSE(fs::exists(dir.file(".failed.mkv.partial")));
}

TEST_CASE("an h265 job with a retried segment still muxes") {
  // A retry encodes at a higher CRF; the muxer requires every segment's parameter sets to equal
  // segment 0's, so the encoder's headers must not depend on the CRF.
  test::actor_env env;
  test::temp_dir dir;
  job_request job;
  job.input = test::h264_clip(2, 25);
  job.output = dir.file("hevc.mkv");
  job.settings = test::fast_settings("h265");
  job.fail_segments = {1};
  job.fail_attempts = 1;
  job_result r = run_job(env, job);

  REQUIRE(r.plan.segments.size() == 2);
  REQUIRE(r.summary);
  CHECK(r.summary->ok);
  CHECK(r.summary->encoder == "libx265");
  CHECK(r.summary->retries == 1);
  REQUIRE(r.mux);
  INFO("mux error: " << r.mux->error);
  CHECK(r.mux->ok);
  if (r.mux->ok) CHECK(test::decode_file(job.output).frames == 50);
  CHECK_FALSE(fs::exists(dir.file(".hevc.mkv.partial")));
}

TEST_CASE("retry_supervisor replaces a worker that dies and one that hangs, losing no frame") {
  test::actor_env env;
  test::temp_dir dir;
  job_request job;
  job.input = test::h264_clip(4, 25);
  job.output = dir.file("drills.mkv");
  job.crash_segments = {1};
  job.stall_segments = {2};
  job.segment_timeout = 2;  // the stalled worker is given up after 2 s
  job_result r = run_job(env, job);

  REQUIRE(r.summary);
  CHECK(r.summary->ok);
  CHECK(r.summary->retries == 2);
  // The stalled segment may have been cut for the idle worker (its speed looks slow).
  REQUIRE(r.summary->segments.size() >= 4);
  const auto& crashed = planned(*r.summary, 1).attempts;
  REQUIRE(crashed.size() == 2);
  CHECK_FALSE(crashed[0].ok);
  CHECK(crashed[0].error.find("died") != std::string::npos);
  CHECK(crashed[1].ok);
  const auto& stalled = planned(*r.summary, 2).attempts;
  REQUIRE(stalled.size() == 2);
  CHECK(stalled[0].error.find("no answer within 2 s") != std::string::npos);
  CHECK(stalled[1].ok);
  // Both workers are still there (replaced), and the file has every frame.
  CHECK(r.summary->workers.size() == 2);
  REQUIRE(r.mux);
  CHECK(r.mux->ok);
  CHECK(test::decode_file(job.output).frames == 100);
}

TEST_CASE("a segment no worker can take does not block the others; the job then says why") {
  test::actor_env env;
  test::temp_dir dir;
  job_request job;
  job.input = test::h264_clip(4, 25);
  job.output = dir.file("out.mkv");
  job.workers = 0;  // only the "node" below
  job.remote_workers = 1;
  job.remote_caps.node = "small";
  job.remote_caps.codecs = {"h264"};
  job.remote_caps.memory_limit = std::int64_t{100} << 20;
  job.source_bytes[0] = std::int64_t{1} << 30;  // needs ~3 GB: more than the node allows
  job.wait_for_workers = 1;
  job_result r = run_job(env, job);
  REQUIRE(r.summary);
  CHECK_FALSE(r.summary->ok);
  CHECK(r.summary->error.find("no worker can encode segment 0") != std::string::npos);
  CHECK(r.summary->error.find("small/0: needs ~3") != std::string::npos);
  REQUIRE(r.summary->segments.size() == 4);
  CHECK(r.summary->segments[0].attempts.empty());
  for (int id : {1, 2, 3}) {
    CAPTURE(id);
    REQUIRE(r.summary->segments[id].attempts.size() == 1);
    CHECK(r.summary->segments[id].attempts[0].ok);
    CHECK(r.summary->segments[id].attempts[0].worker == "small/0");
  }
}

namespace {
// 2 s of h264 (2 segments) encoded only by one node, "node", lending `workers` workers.
job_request remote_only_job(const test::temp_dir& dir, int workers) {
  job_request job;
  job.input = test::h264_clip(2, 25);
  job.output = dir.file("out.mkv");
  job.workers = 0;
  job.remote_workers = workers;
  job.remote_caps.node = "node";
  job.remote_caps.codecs = {"h264"};
  return job;
}
}  // namespace

TEST_CASE("an encode that ended before its segment's end is encoded again at the same quality") {
  // A node cut the segment for an idle worker, but its answer never reached the supervisor:
  // the frames after the cut would be missing. Not the segment's fault, so no quality step;
  // a second early end of the same segment counts as a failure (it cannot repeat forever).
  test::actor_env env;
  test::temp_dir dir;
  job_request job = remote_only_job(dir, 1);
  job.short_remote_outcomes = 1;
  SUBCASE("twice: the second is a failure, a quality step") {
    job.input = test::h264_clip(1, 25);  // one segment
    job.short_remote_outcomes = 2;
  }
  job_result r = run_job(env, job);
  REQUIRE(r.summary);
  CHECK(r.summary->ok);
  const auto& segs = r.summary->segments;
  if (job.short_remote_outcomes == 1) {
    REQUIRE(segs.size() == 2);
    CHECK(r.summary->retries == 0);
    const auto& first = segs[0].attempts.size() > segs[1].attempts.size() ? segs[0] : segs[1];
    const auto& other = &first == &segs[0] ? segs[1] : segs[0];
    REQUIRE(first.attempts.size() == 2);
    CHECK_FALSE(first.attempts[0].ok);
    CHECK(first.attempts[0].lost);
    CHECK(first.attempts[0].error.find("before the segment's end") != std::string::npos);
    CHECK(first.attempts[1].ok);
    CHECK(first.attempts[1].crf == first.attempts[0].crf);
    CHECK(other.attempts.size() == 1);
  } else {
    REQUIRE(segs.size() == 1);
    const auto& a = segs[0].attempts;
    REQUIRE(a.size() == 3);
    CHECK(a[0].lost);
    CHECK_FALSE(a[1].lost);
    CHECK_FALSE(a[1].ok);
    CHECK(a[2].ok);
    CHECK(a[2].crf == a[0].crf + 4);
    CHECK(r.summary->retries == 1);
  }
  REQUIRE(r.mux);
  CHECK(r.mux->ok);
  CHECK(test::decode_file(job.output).frames == 25 * static_cast<int>(segs.size()));
}

TEST_CASE("a node's spare worker takes the place of its used one that dies") {
  // A node lending 2 workers to a codec that wants 2 threads each is used as 1 x 2; when
  // that one dies, the spare carries on instead of the node dropping out of the job.
  test::actor_env env;
  test::temp_dir dir;
  job_request job = remote_only_job(dir, 2);
  job.remote_cores_per_worker = 2;
  job.crash_segments = {0};
  job.wait_for_workers = 5;
  job_result r = run_job(env, job);
  REQUIRE(r.summary);
  INFO("error: " << r.summary->error);
  CHECK(r.summary->ok);
  CHECK(r.summary->workers.size() == 1);  // one slot, its worker replaced by the spare
  REQUIRE(r.summary->segments.size() == 2);
  const auto& crashed = r.summary->segments[0].attempts;
  REQUIRE(crashed.size() == 2);
  CHECK(crashed[0].lost);
  CHECK(crashed[1].ok);
  REQUIRE(r.mux);
  CHECK(r.mux->ok);
  CHECK(test::decode_file(job.output).frames == 50);
}
