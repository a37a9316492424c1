// One attempt of one segment, from start to end: its settings (quality step, fault drill,
// deadline), the request to the worker, and what its outcome does to the task (the report,
// a retry at the next quality step, a re-queue when the attempt was lost, the muxer).
#include <algorithm>
#include <chrono>
#include <cmath>

#include <spdlog/spdlog.h>

#include "actors/error_text.hpp"
#include "actors/protocol.hpp"
#include "actors/supervisor_state.hpp"

namespace pvenc::actors::supervision {
namespace {

bool listed(const std::vector<int>& ids, int id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// The settings of segment `id` after `step` failed attempts: its share of the bitrate
// (bitrate mode), one quality step lower per failure.
codecs::video_encode_settings settings_for(const supervisor_state& st, int id, int step) {
  codecs::video_encode_settings s = st.options.settings;
  s.crf = std::min(s.crf + step * st.options.crf_step, st.options.max_crf);
  s.speedup = step;  // and a faster search
  if (!s.use_crf)
    s.bitrate =
        std::llround(s.bitrate * st.tasks[id].report.spec.bitrate_factor * std::pow(0.8, step));
  return s;
}

fault_drill drill_for(const supervisor_state& st, int id, int attempt) {
  const auto& o = st.options;
  if (attempt == 1 && listed(o.crash_segments, id)) return fault_drill::crash;
  if (attempt == 1 && listed(o.stall_segments, id)) return fault_drill::stall;
  if (attempt <= o.fail_attempts && listed(o.fail_segments, id)) return fault_drill::fail;
  return fault_drill::none;
}

// How long an attempt may take. Generous by default: ten times the time the measured speed
// predicts (at least 5 minutes), or an hour plus 10 s a frame before anything was measured,
// so that a slow but alive worker is never cut off.
double deadline_s(const supervisor_state& st, const segment_spec& spec) {
  if (st.options.segment_timeout > 0) return st.options.segment_timeout;
  double frames = static_cast<double>(spec.end_frame - spec.start_frame + spec.preroll_packets);
  if (st.measured_frames == 0 || st.measured_s <= 0) return 3600 + 10 * frames;
  double fps = st.measured_frames / st.measured_s;
  return std::max(300.0, 10 * frames / fps);
}

void record_attempt(self_ptr self, const segment_outcome& outcome) {
  auto& task = self->state.tasks[outcome.segment_id];
  attempt_record rec = task.in_flight;
  rec.ok = outcome.ok;
  rec.lost = outcome.lost;
  rec.error = outcome.error;
  rec.encode_s = outcome.encode_s;
  task.report.attempts.push_back(rec);
}

void on_success(self_ptr self, worker_slot& slot, segment_outcome& outcome) {
  auto& st = self->state;
  auto& task = st.tasks[outcome.segment_id];
  const auto& spec = task.report.spec;
  slot.stats.frames += outcome.video.frames;
  slot.source_frames += spec.end_frame - spec.start_frame;
  slot.source_s += outcome.encode_s;
  st.measured_frames += spec.end_frame - spec.start_frame;
  st.measured_s += outcome.encode_s;
  task.done = true;
  task.frames_done = outcome.video.frames;
  task.report.bytes = outcome.video.bytes;
  task.report.frames = outcome.video.frames;
  task.report.damaged_source = outcome.video.corrupt_packets;
  task.report.quality = outcome.video.quality;
  task.report.quality_note = outcome.video.quality_note;
  task.report.crf = outcome.video.crf;
  task.report.probes = outcome.video.probes;
  task.source = caf::message{};  // free the source packets
  if (st.summary.encoder.empty()) st.summary.encoder = outcome.video.encoder;
  if (outcome.video.corrupt_packets > 0)
    spdlog::warn("[seg {:04d}] {} damaged source packets/frames skipped or concealed",
                 outcome.segment_id, outcome.video.corrupt_packets);
  self->send(st.options.muxer, video_atom::value, std::move(outcome));
  ++st.done;
}

void on_failure(self_ptr self, const segment_outcome& outcome) {
  auto& st = self->state;
  auto& task = st.tasks[outcome.segment_id];
  task.frames_done = 0;
  if (outcome.lost) {  // not the segment's fault: again, at the same quality
    spdlog::warn("[seg {:04d}] attempt {} lost with {}: {}; re-queued unchanged",
                 outcome.segment_id, outcome.attempt, outcome.worker, outcome.error);
    st.queue.push_front(outcome.segment_id);
    return;
  }
  ++task.failures;
  spdlog::warn("[seg {:04d}] attempt {} ({}/{} failures) failed on {}: {}", outcome.segment_id,
               outcome.attempt, task.failures, st.options.max_attempts, outcome.worker,
               outcome.error);
  if (task.failures >= st.options.max_attempts) {
    finish(self, false,
           "segment " + std::to_string(outcome.segment_id) + " failed after " +
               std::to_string(task.failures) + " attempts: " + outcome.error);
    return;
  }
  ++st.summary.retries;
  st.queue.push_front(outcome.segment_id);
}

// An ok outcome that ended before its segment's end was cut by its node, whose answer timed
// out. At the cut asked for, it is the head of that cut; elsewhere its frames up to the
// segment's end would be missing: not the segment's fault the first time (encoded again whole
// at the same quality step), a failure after that, so that it cannot repeat without end.
void check_early_end(self_ptr self, segment_outcome& outcome) {
  auto& task = self->state.tasks[outcome.segment_id];
  std::int64_t end = task.report.spec.end_pts;
  if (outcome.video.end_pts <= 0 || outcome.video.end_pts >= end) return;
  if (task.proposed_cut && task.proposed_cut->rest.start_pts == outcome.video.end_pts)
    return accept_unconfirmed_cut(self, outcome.segment_id);  // (tasks may have moved)
  outcome.ok = false;
  outcome.lost = task.early_ends++ == 0;
  outcome.error = fmt::format("the encode ended at pts {}, before the segment's end ({})",
                              outcome.video.end_pts, end);
}

}  // namespace

// Every attempt ends here exactly once: with the worker's answer, or with a failure made up
// by the supervisor (worker died, deadline passed).
void end_attempt(self_ptr self, std::size_t w, segment_outcome& outcome) {
  auto& st = self->state;
  auto& slot = st.workers[w];
  bool replaced = slot.token == 0;  // by the caller already (its worker died or hung)
  slot.busy = false;
  slot.token = 0;
  slot.stats.busy_s += outcome.encode_s;
  // A remote worker that reports its attempt lost has lost its node: drop it now.
  if (outcome.lost && slot.remote && !slot.gone && !replaced) replace_worker(self, slot);
  if (outcome.ok) check_early_end(self, outcome);
  record_attempt(self, outcome);
  if (outcome.ok)
    on_success(self, slot, outcome);
  else
    on_failure(self, outcome);
  if (st.finished) return;
  send_progress(self);
  if (st.done == static_cast<int>(st.tasks.size())) return finish(self, true, {});
  dispatch(self);
}

segment_outcome made_up_failure(const worker_slot& slot, int segment, int attempt,
                                std::string error, double seconds, bool lost) {
  segment_outcome failed;
  failed.segment_id = segment;
  failed.attempt = attempt;
  failed.worker = slot.name;
  failed.error = std::move(error);
  failed.encode_s = seconds;
  failed.lost = lost;
  return failed;
}

void start_attempt(self_ptr self, std::size_t w, int id) {
  auto& st = self->state;
  auto& task = st.tasks[id];
  auto& slot = st.workers[w];
  std::uint64_t token = ++st.next_token;
  slot.busy = true;
  slot.segment = id;
  slot.token = token;
  int attempt = ++task.attempts;
  auto settings = settings_for(st, id, task.failures);
  if (!slot.remote && st.options.local_threads > 0) settings.threads = st.options.local_threads;
  if (slot.remote && slot.threads > 0) settings.threads = slot.threads;
  task.frames_taken = -1;
  task.proposed_cut.reset();
  task.in_flight = attempt_record{};
  task.in_flight.attempt = attempt;
  task.in_flight.worker = slot.name;
  task.in_flight.node = slot.stats.node;
  task.in_flight.crf = settings.use_crf ? settings.crf : -1;
  task.in_flight.bitrate = settings.use_crf ? 0 : settings.bitrate;
  task.in_flight.start_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - st.started).count();
  double limit = deadline_s(st, task.report.spec);
  auto started = std::chrono::steady_clock::now();
  task.attempt_at = task.progress_at = started;
  auto seconds_since = [started] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  auto timeout = std::chrono::milliseconds(static_cast<std::int64_t>(limit * 1000));
  self->request(slot.handle, timeout, encode_atom::value, task.source, settings, attempt,
                static_cast<int>(drill_for(st, id, attempt)))
      .then(
          [=](segment_outcome& outcome) {
            if (self->state.workers[w].token == token) end_attempt(self, w, outcome);
          },
          [=](caf::error& err) {
            auto& s = self->state.workers[w];
            if (s.token != token) return;  // already handled (the worker's down message)
            bool timed_out = err == caf::sec::request_timeout;
            std::string why = timed_out ? fmt::format(
                                              "no answer within {:g} s (retry.segment_timeout): "
                                              "worker {}",
                                              limit, s.remote ? "dropped" : "replaced")
                                        : "worker " + s.name + " failed: " + describe(err);
            // A remote worker that fails to answer lost its node, or its link to it.
            bool lost = s.remote && !timed_out;
            auto failed = made_up_failure(s, id, attempt, why, seconds_since(), lost);
            replace_worker(self, s);
            end_attempt(self, w, failed);
          });
}

}  // namespace pvenc::actors::supervision
