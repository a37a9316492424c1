#include "actors/retry_supervisor.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>

#include <spdlog/spdlog.h>

#include "actors/encoder_worker.hpp"
#include "actors/error_text.hpp"
#include "actors/protocol.hpp"

namespace pvenc::actors {
namespace {

struct worker_slot {
  std::string name;
  caf::actor handle;
  bool busy = false;
  worker_report stats;
};

struct task_state {
  int attempts = 0;     // attempts started
  caf::message source;  // loaded segment_source, kept until the segment succeeds
  bool loading = false;
  bool done = false;
  std::int64_t frames_done = 0;  // progress of the attempt in flight
  segment_report report;
};

struct supervisor_state {
  supervisor_options options;
  std::vector<worker_slot> workers;
  std::vector<task_state> tasks;
  std::deque<int> queue;  // segment ids waiting for a worker
  int done = 0;
  job_summary summary;
  caf::response_promise promise;
  bool finished = false;
  std::int64_t frames_total = 0;
};

using self_ptr = caf::stateful_actor<supervisor_state>*;

void dispatch(self_ptr self);

codecs::video_encode_settings settings_for(const supervisor_state& st, int attempt) {
  codecs::video_encode_settings s = st.options.settings;
  int step = attempt - 1;  // one quality step lower per retry
  s.crf = std::min(s.crf + step * st.options.crf_step, st.options.max_crf);
  if (!s.use_crf) s.bitrate = static_cast<std::int64_t>(s.bitrate * std::pow(0.8, step));
  return s;
}

void send_progress(self_ptr self) {
  auto& st = self->state;
  progress_update u;
  u.frames_total = st.frames_total;
  for (const auto& t : st.tasks) u.frames_done += t.frames_done;
  u.segments_done = st.done;
  u.segments_total = static_cast<int>(st.tasks.size());
  u.workers_total = static_cast<int>(st.workers.size());
  for (const auto& w : st.workers) u.workers_busy += w.busy ? 1 : 0;
  u.retries = st.summary.retries;
  self->send(st.options.progress, progress_atom::value, u);
}

void finish(self_ptr self, bool ok, std::string error) {
  auto& st = self->state;
  if (st.finished) return;
  st.finished = true;
  st.summary.ok = ok;
  st.summary.error = std::move(error);
  for (auto& t : st.tasks) st.summary.segments.push_back(t.report);
  for (auto& w : st.workers) st.summary.workers.push_back(w.stats);
  if (!ok && st.options.cancel) st.options.cancel->store(true);
  send_progress(self);
  st.promise.deliver(st.summary);
}

void on_outcome(self_ptr self, std::size_t worker, segment_outcome& outcome) {
  auto& st = self->state;
  auto& slot = st.workers[worker];
  auto& task = st.tasks[outcome.segment_id];
  slot.busy = false;
  slot.stats.busy_s += outcome.encode_s;
  attempt_record rec;
  rec.attempt = outcome.attempt;
  rec.worker = outcome.worker;
  auto used = settings_for(st, outcome.attempt);
  rec.crf = used.use_crf ? used.crf : -1;
  rec.bitrate = used.use_crf ? 0 : used.bitrate;
  rec.ok = outcome.ok;
  rec.error = outcome.error;
  rec.encode_s = outcome.encode_s;
  task.report.attempts.push_back(rec);
  if (outcome.ok) {
    slot.stats.frames += outcome.video.frames;
    task.done = true;
    task.frames_done = outcome.video.frames;
    task.report.bytes = outcome.video.bytes;
    task.report.frames = outcome.video.frames;
    task.source = caf::message{};  // free the source packets
    if (st.summary.encoder.empty()) st.summary.encoder = outcome.video.encoder;
    if (outcome.video.corrupt_packets > 0)
      spdlog::warn("[seg {:04d}] {} corrupt source packets skipped", outcome.segment_id,
                   outcome.video.corrupt_packets);
    self->send(st.options.muxer, video_atom::value, std::move(outcome));
    ++st.done;
  } else {
    task.frames_done = 0;
    spdlog::warn("[seg {:04d}] attempt {}/{} failed on {}: {}", outcome.segment_id, outcome.attempt,
                 st.options.max_attempts, outcome.worker, outcome.error);
    if (task.attempts >= st.options.max_attempts) {
      finish(self, false,
             "segment " + std::to_string(outcome.segment_id) + " failed after " +
                 std::to_string(task.attempts) + " attempts: " + outcome.error);
      return;
    }
    ++st.summary.retries;
    st.queue.push_front(outcome.segment_id);
  }
  send_progress(self);
  if (st.done == static_cast<int>(st.tasks.size())) {
    finish(self, true, {});
    return;
  }
  dispatch(self);
}

void start_attempt(self_ptr self, std::size_t worker, int id) {
  auto& st = self->state;
  auto& task = st.tasks[id];
  auto& slot = st.workers[worker];
  slot.busy = true;
  int attempt = ++task.attempts;
  bool inject = std::count(st.options.fail_segments.begin(), st.options.fail_segments.end(), id) &&
                attempt <= st.options.fail_attempts;
  self->request(slot.handle, caf::infinite, encode_atom::value, task.source,
                settings_for(st, attempt), attempt, inject)
      .then([=](segment_outcome& outcome) { on_outcome(self, worker, outcome); },
            [=](caf::error& err) {
              segment_outcome failed;
              failed.segment_id = id;
              failed.attempt = attempt;
              failed.worker = self->state.workers[worker].name;
              failed.error = describe(err);
              on_outcome(self, worker, failed);
            });
}

// Keeps up to one loaded source per worker ahead of need, in queue order.
void prefetch(self_ptr self) {
  auto& st = self->state;
  std::size_t held = 0;
  for (int id : st.queue) {
    auto& task = st.tasks[id];
    if (held >= st.workers.size()) break;
    ++held;
    if (task.loading || !task.source.empty()) continue;
    task.loading = true;
    self->request(st.options.segmenter, caf::infinite, read_atom::value,
                  st.options.plan.segments[id])
        .then(
            [=](codecs::segment_source& source) {
              auto& t = self->state.tasks[id];
              t.loading = false;
              t.source = caf::make_message(std::move(source));
              dispatch(self);
            },
            [=](caf::error& err) {
              finish(self, false, "reading segment " + std::to_string(id) + ": " + describe(err));
            });
  }
}

void dispatch(self_ptr self) {
  auto& st = self->state;
  if (st.finished) return;
  prefetch(self);
  for (std::size_t w = 0; w < st.workers.size(); ++w) {
    if (st.workers[w].busy) continue;
    auto ready = std::find_if(st.queue.begin(), st.queue.end(),
                              [&](int id) { return !st.tasks[id].source.empty(); });
    if (ready == st.queue.end()) break;
    int id = *ready;
    st.queue.erase(ready);
    start_attempt(self, w, id);
  }
  prefetch(self);
  send_progress(self);
}

caf::behavior retry_supervisor(caf::stateful_actor<supervisor_state>* self,
                               supervisor_options options) {
  auto& st = self->state;
  st.options = std::move(options);
  for (int i = 0; i < st.options.worker_count; ++i) {
    worker_slot slot;
    slot.name = "local/" + std::to_string(i);
    slot.stats.id = slot.name;
    slot.handle = spawn_encoder_worker(self->system(), slot.name, self, st.options.cancel);
    self->link_to(slot.handle);
    st.workers.push_back(std::move(slot));
  }
  for (const auto& spec : st.options.plan.segments) {
    task_state t;
    t.report.spec = spec;
    st.frames_total += spec.end_frame - spec.start_frame;
    st.tasks.push_back(std::move(t));
  }
  for (int id : st.options.plan.queue_order) st.queue.push_back(id);
  return {
      [=](start_atom) {
        self->state.promise = self->make_response_promise();
        if (self->state.tasks.empty())
          finish(self, false, "nothing to encode");
        else
          dispatch(self);
        return self->state.promise;
      },
      [=](progress_atom, const std::string&, int segment, std::int64_t frames) {
        auto& tasks = self->state.tasks;
        if (segment < 0 || segment >= static_cast<int>(tasks.size()) || tasks[segment].done) return;
        tasks[segment].frames_done = frames;
        send_progress(self);
      },
  };
}

}  // namespace

caf::actor spawn_retry_supervisor(caf::actor_system& system, supervisor_options options) {
  return system.spawn(retry_supervisor, std::move(options));
}

}  // namespace pvenc::actors
