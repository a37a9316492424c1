#include "actors/retry_supervisor.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <optional>
#include <set>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "actors/error_text.hpp"
#include "actors/protocol.hpp"
#include "actors/supervisor_state.hpp"

namespace pvenc::actors::supervision {

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

void send_progress(self_ptr self) {
  auto& st = self->state;
  progress_update u;
  u.frames_total = st.frames_total;
  for (const auto& t : st.tasks) u.frames_done += t.frames_done;
  u.segments_done = st.done;
  u.segments_total = static_cast<int>(st.tasks.size());
  u.workers_total = static_cast<int>(live_workers(st));
  std::set<std::string> nodes;
  for (const auto& w : st.workers) {
    u.workers_busy += w.busy ? 1 : 0;
    if (w.remote && !w.gone) nodes.insert(w.caps.node);
  }
  u.nodes = static_cast<int>(nodes.size());
  u.waiting = st.stuck_since.has_value();
  u.retries = st.summary.retries;
  self->send(st.options.progress, progress_atom::value, u);
}

void finish(self_ptr self, bool ok, std::string error, bool interrupted) {
  auto& st = self->state;
  if (st.finished) return;
  st.finished = true;
  st.summary.ok = ok;
  st.summary.interrupted = interrupted;
  st.summary.error = std::move(error);
  for (auto& t : st.tasks) {
    st.summary.segments.push_back(t.report);  // in file order below
    try {
      if (t.report.quality.frames > 0) st.summary.quality += t.report.quality;
    } catch (const std::invalid_argument&) {
      // a resumed segment measured other metrics: left out of the file's numbers
    }
  }
  std::stable_sort(
      st.summary.segments.begin(), st.summary.segments.end(),
      [](const auto& a, const auto& b) { return a.spec.start_frame < b.spec.start_frame; });
  for (auto& w : st.workers) st.summary.workers.push_back(w.stats);
  if (!ok && !interrupted) {
    if (st.options.cancel) st.options.cancel->store(true);
    for (auto& w : st.workers)
      if (w.cancel) w.cancel->store(true);
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
    for (auto& w : st.workers)
      if (w.cancel) w.cancel->store(true);
    finish(self, false, "interrupted", true);
  } else if (count == 1 && !st.draining) {
    st.draining = true;
    spdlog::warn("interrupted: finishing the segments in progress (Ctrl-C again to stop now)");
    dispatch(self);
  }
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

// Every attempt ends here exactly once: with the worker's answer, or with a failure made up
// by the supervisor (worker died, deadline passed).
void end_attempt(self_ptr self, std::size_t w, segment_outcome& outcome) {
  auto& st = self->state;
  auto& slot = st.workers[w];
  slot.busy = false;
  slot.token = 0;
  slot.stats.busy_s += outcome.encode_s;
  if (outcome.lost && slot.remote && !slot.gone) replace_worker(self, slot);  // drop it now
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

// Keeps up to one loaded source per worker ahead of need, in queue order, for segments that
// some connected worker can take.
void prefetch(self_ptr self) {
  auto& st = self->state;
  std::size_t held = 0;
  std::size_t live = live_workers(st);
  auto anyone_fits = [&](int id) {
    return std::any_of(st.workers.begin(), st.workers.end(),
                       [&](const worker_slot& w) { return fits(st, w, id); });
  };
  for (int id : st.queue) {
    auto& task = st.tasks[id];
    if (held >= std::max<std::size_t>(1, live)) break;
    // A segment no connected worker can take must not hold the place of one that can.
    if (live > 0 && !anyone_fits(id)) continue;
    ++held;
    if (task.loading || !task.source.empty()) continue;
    task.loading = true;
    self->request(st.options.segmenter, caf::infinite, read_atom::value, task.report.spec)
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
    if (st.workers[w].busy || st.workers[w].gone) continue;
    // A retry goes to another worker than the one that failed it, when one is free.
    const std::string& name = st.workers[w].name;
    auto loaded = [&](int id) {
      return !st.tasks[id].source.empty() && fits(st, st.workers[w], id);
    };
    auto ready = std::find_if(st.queue.begin(), st.queue.end(), [&](int id) {
      const auto& attempts = st.tasks[id].report.attempts;
      return loaded(id) && (attempts.empty() || attempts.back().worker != name);
    });
    if (ready == st.queue.end()) ready = std::find_if(st.queue.begin(), st.queue.end(), loaded);
    if (ready == st.queue.end()) continue;
    int id = *ready;
    st.queue.erase(ready);
    if (offer_cut_before_start(self, w, id)) continue;
    start_attempt(self, w, id);
  }
  prefetch(self);
  offer_running_cut(self);
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
    slot.stats.node = st.options.node_name;
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
      t.report.quality = it->second.quality;
      t.report.crf = it->second.crf;
      t.report.probes = it->second.probes;
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
        st.started = std::chrono::steady_clock::now();
        self->send(self, pv_tick_atom::value);
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
        watch_for_stuck_queue(self);
        offer_running_cut(self);
        if (!self->state.finished)
          self->delayed_send(self, std::chrono::milliseconds(200), pv_tick_atom::value);
      },
      [=](node_atom, const worker_capabilities& caps, const std::vector<caf::actor>& handles) {
        add_remote_workers(self, caps, handles);
      },
      [=](progress_atom, const std::string& worker, int segment, int attempt, std::int64_t frames) {
        auto& tasks = self->state.tasks;
        if (segment < 0 || segment >= static_cast<int>(tasks.size()) || tasks[segment].done) return;
        if (tasks[segment].in_flight.attempt != attempt) return;  // an earlier attempt's report
        bool current = false;  // ignore a replaced worker's late reports
        for (const auto& w : self->state.workers)
          current = current || (w.name == worker && w.busy && w.segment == segment);
        if (!current) return;
        tasks[segment].frames_done = frames;
        tasks[segment].progress_at = std::chrono::steady_clock::now();
        send_progress(self);
        offer_running_cut(self);  // an idle worker may be waiting for this segment's speed
      },
  };
}

}  // namespace pvenc::actors::supervision

namespace pvenc::actors {

caf::actor spawn_retry_supervisor(caf::actor_system& system, supervisor_options options) {
  return system.spawn(supervision::retry_supervisor, std::move(options));
}

}  // namespace pvenc::actors
