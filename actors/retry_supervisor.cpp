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

using cancel_flag = std::shared_ptr<std::atomic<bool>>;

struct worker_slot {
  std::string name;
  caf::actor handle;
  cancel_flag cancel;
  bool busy = false;
  int segment = -1;         // segment in flight
  std::uint64_t token = 0;  // identifies the attempt in flight; 0: none
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
  // The live worker handles, shared with the exit functor that shuts them down.
  std::shared_ptr<std::vector<caf::actor>> live = std::make_shared<std::vector<caf::actor>>();
  std::vector<task_state> tasks;
  std::deque<int> queue;  // segment ids waiting for a worker
  int done = 0;
  job_summary summary;
  caf::response_promise promise;
  bool finished = false;
  std::int64_t frames_total = 0;
  std::uint64_t next_token = 0;
  bool draining = false;             // interrupted: no new attempts
  std::int64_t measured_frames = 0;  // over successful attempts, for default deadlines
  double measured_s = 0;
};

using self_ptr = caf::stateful_actor<supervisor_state>*;

void dispatch(self_ptr self);

bool listed(const std::vector<int>& ids, int id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

codecs::video_encode_settings settings_for(const supervisor_state& st, int attempt) {
  codecs::video_encode_settings s = st.options.settings;
  int step = attempt - 1;  // one quality step lower per retry
  s.crf = std::min(s.crf + step * st.options.crf_step, st.options.max_crf);
  s.speedup = step;  // and a faster search
  if (!s.use_crf) s.bitrate = static_cast<std::int64_t>(s.bitrate * std::pow(0.8, step));
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

void finish(self_ptr self, bool ok, std::string error, bool interrupted = false) {
  auto& st = self->state;
  if (st.finished) return;
  st.finished = true;
  st.summary.ok = ok;
  st.summary.interrupted = interrupted;
  st.summary.error = std::move(error);
  for (auto& t : st.tasks) st.summary.segments.push_back(t.report);
  for (auto& w : st.workers) st.summary.workers.push_back(w.stats);
  if (!ok && !interrupted) {
    if (st.options.cancel) st.options.cancel->store(true);
    for (auto& w : st.workers) w.cancel->store(true);
  }
  send_progress(self);
  st.promise.deliver(st.summary);
}

// Reacts to Ctrl-C: the first stops handing out segments (running ones finish and are
// kept), the second stops at once.
void check_interrupts(self_ptr self) {
  auto& st = self->state;
  int count = st.options.interrupts ? st.options.interrupts->load() : 0;
  if (count >= 2) {
    for (auto& w : st.workers) w.cancel->store(true);
    finish(self, false, "interrupted", true);
  } else if (count == 1 && !st.draining) {
    st.draining = true;
    spdlog::warn("interrupted: finishing the segments in progress (Ctrl-C again to stop now)");
    dispatch(self);
  }
}

void spawn_into(self_ptr self, worker_slot& slot) {
  slot.cancel = std::make_shared<std::atomic<bool>>(false);
  slot.handle = spawn_encoder_worker(self->system(), slot.name, self, slot.cancel);
  self->monitor(slot.handle);
  self->state.live->push_back(slot.handle);
}

// Gives up on the slot's worker (dead or stuck) and puts a fresh one in its place. A stuck
// worker is cancelled and told to exit; it goes once its encode returns.
void replace_worker(self_ptr self, worker_slot& slot) {
  auto& live = *self->state.live;
  live.erase(std::remove(live.begin(), live.end(), slot.handle), live.end());
  slot.cancel->store(true);
  self->demonitor(slot.handle);
  self->send_exit(slot.handle, caf::exit_reason::user_shutdown);
  slot.busy = false;
  slot.token = 0;
  spawn_into(self, slot);
}

void record_attempt(self_ptr self, const segment_outcome& outcome) {
  auto& st = self->state;
  attempt_record rec;
  rec.attempt = outcome.attempt;
  rec.worker = outcome.worker;
  auto used = settings_for(st, outcome.attempt);
  rec.crf = used.use_crf ? used.crf : -1;
  rec.bitrate = used.use_crf ? 0 : used.bitrate;
  rec.ok = outcome.ok;
  rec.error = outcome.error;
  rec.encode_s = outcome.encode_s;
  st.tasks[outcome.segment_id].report.attempts.push_back(rec);
}

void on_success(self_ptr self, worker_slot& slot, segment_outcome& outcome) {
  auto& st = self->state;
  auto& task = st.tasks[outcome.segment_id];
  slot.stats.frames += outcome.video.frames;
  st.measured_frames += outcome.video.frames;
  st.measured_s += outcome.encode_s;
  task.done = true;
  task.frames_done = outcome.video.frames;
  task.report.bytes = outcome.video.bytes;
  task.report.frames = outcome.video.frames;
  task.report.damaged_source = outcome.video.corrupt_packets;
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

// Every attempt ends here exactly once: with the worker's answer, or with a failure made up
// by the supervisor (worker died, deadline passed).
void end_attempt(self_ptr self, std::size_t w, segment_outcome& outcome) {
  auto& st = self->state;
  auto& slot = st.workers[w];
  slot.busy = false;
  slot.token = 0;
  slot.stats.busy_s += outcome.encode_s;
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
                                std::string error, double seconds) {
  segment_outcome failed;
  failed.segment_id = segment;
  failed.attempt = attempt;
  failed.worker = slot.name;
  failed.error = std::move(error);
  failed.encode_s = seconds;
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
  double limit = deadline_s(st, st.options.plan.segments[id]);
  auto started = std::chrono::steady_clock::now();
  auto seconds_since = [started] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  auto timeout = std::chrono::milliseconds(static_cast<std::int64_t>(limit * 1000));
  self->request(slot.handle, timeout, encode_atom::value, task.source, settings_for(st, attempt),
                attempt, static_cast<int>(drill_for(st, id, attempt)))
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
                                              "worker replaced",
                                              limit)
                                        : "worker " + s.name + " failed: " + describe(err);
            auto failed = made_up_failure(s, id, attempt, why, seconds_since());
            replace_worker(self, s);
            end_attempt(self, w, failed);
          });
}

// A worker died. If it was encoding, that attempt failed; either way a fresh worker takes its
// place.
void on_worker_down(self_ptr self, const caf::down_msg& down) {
  auto& st = self->state;
  for (std::size_t w = 0; w < st.workers.size(); ++w) {
    auto& slot = st.workers[w];
    if (slot.handle.address() != down.source) continue;
    spdlog::warn("worker {} exited: {}", slot.name, describe(down.reason));
    bool was_busy = slot.busy;
    int segment = slot.segment;
    int attempt = st.tasks[segment < 0 ? 0 : segment].attempts;
    replace_worker(self, slot);
    if (!was_busy || st.finished) return;
    auto failed = made_up_failure(slot, segment, attempt,
                                  "worker " + slot.name + " died: " + describe(down.reason), 0);
    end_attempt(self, w, failed);
    return;
  }
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

bool any_busy(const supervisor_state& st) {
  return std::any_of(st.workers.begin(), st.workers.end(), [](const auto& w) { return w.busy; });
}

void dispatch(self_ptr self) {
  auto& st = self->state;
  if (st.finished) return;
  if (st.draining) {
    if (!any_busy(st)) finish(self, false, "interrupted", true);
    return;
  }
  prefetch(self);
  for (std::size_t w = 0; w < st.workers.size(); ++w) {
    if (st.workers[w].busy) continue;
    // A retry goes to another worker than the one that failed it, when one is free.
    const std::string& name = st.workers[w].name;
    auto loaded = [&](int id) { return !st.tasks[id].source.empty(); };
    auto ready = std::find_if(st.queue.begin(), st.queue.end(), [&](int id) {
      const auto& attempts = st.tasks[id].report.attempts;
      return loaded(id) && (attempts.empty() || attempts.back().worker != name);
    });
    if (ready == st.queue.end()) ready = std::find_if(st.queue.begin(), st.queue.end(), loaded);
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
  self->set_down_handler([=](caf::down_msg& down) { on_worker_down(self, down); });
  // Workers are monitored, not linked: when the supervisor goes, it takes them along.
  self->attach_functor([live = st.live] {
    for (const auto& worker : *live) caf::anon_send_exit(worker, caf::exit_reason::user_shutdown);
  });
  for (int i = 0; i < st.options.worker_count; ++i) {
    worker_slot slot;
    slot.name = "local/" + std::to_string(i);
    slot.stats.id = slot.name;
    spawn_into(self, slot);
    st.workers.push_back(std::move(slot));
  }
  for (const auto& spec : st.options.plan.segments) {
    task_state t;
    t.report.spec = spec;
    st.frames_total += spec.end_frame - spec.start_frame;
    if (auto it = st.options.resumed.find(spec.id); it != st.options.resumed.end()) {
      t.done = true;
      t.report.resumed = true;
      t.report.frames = t.frames_done = it->second.frames;
      t.report.bytes = it->second.bytes;
      ++st.done;
    }
    st.tasks.push_back(std::move(t));
  }
  for (int id : st.options.plan.queue_order)
    if (!st.tasks[id].done) st.queue.push_back(id);
  return {
      [=](start_atom) {
        self->state.promise = self->make_response_promise();
        auto& st = self->state;
        if (st.options.interrupts) self->send(self, pv_tick_atom::value);
        if (st.tasks.empty())
          finish(self, false, "nothing to encode");
        else if (st.done == static_cast<int>(st.tasks.size()))
          finish(self, true, {});  // everything was resumed
        else
          dispatch(self);
        return self->state.promise;
      },
      [=](pv_tick_atom) {
        check_interrupts(self);
        if (!self->state.finished)
          self->delayed_send(self, std::chrono::milliseconds(200), pv_tick_atom::value);
      },
      [=](progress_atom, const std::string& worker, int segment, std::int64_t frames) {
        auto& tasks = self->state.tasks;
        if (segment < 0 || segment >= static_cast<int>(tasks.size()) || tasks[segment].done) return;
        bool current = false;  // ignore a replaced worker's late reports
        for (const auto& w : self->state.workers)
          current = current || (w.name == worker && w.busy && w.segment == segment);
        if (!current) return;
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
