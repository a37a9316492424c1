#include "actors/retry_supervisor.hpp"

#include <algorithm>
#include <chrono>
#include <set>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "actors/error_text.hpp"
#include "actors/protocol.hpp"
#include "actors/supervisor_state.hpp"

namespace pvenc::actors::supervision {

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
    st.tasks.push_back(std::move(t));
  }
  for (const auto& cut : st.options.resumed_cuts) add_cut(st, cut);
  for (const auto& [id, resumed] : st.options.resumed) {
    if (id < 0 || id >= static_cast<int>(st.tasks.size())) continue;
    auto& t = st.tasks[id];
    t.done = true;
    t.report.resumed = true;
    t.report.frames = t.frames_done = resumed.frames;
    t.report.bytes = resumed.bytes;
    t.report.quality = resumed.quality;
    t.report.crf = resumed.crf;
    t.report.probes = resumed.probes;
    ++st.done;
  }
  for (int id : st.options.plan.queue_order)
    if (!st.tasks[id].done) st.queue.push_back(id);
  for (auto id = st.options.plan.segments.size(); id < st.tasks.size(); ++id)
    if (!st.tasks[id].done) st.queue.push_front(static_cast<int>(id));  // rests first, as cut
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
      [=](progress_atom, const std::string& worker, int segment, int attempt, std::int64_t frames,
          std::int64_t taken) {
        auto& tasks = self->state.tasks;
        if (segment < 0 || segment >= static_cast<int>(tasks.size()) || tasks[segment].done) return;
        if (tasks[segment].in_flight.attempt != attempt) return;  // an earlier attempt's report
        bool current = false;  // ignore a replaced worker's late reports
        for (const auto& w : self->state.workers)
          current = current || (w.name == worker && w.busy && w.segment == segment);
        if (!current) return;
        tasks[segment].frames_done = frames;
        tasks[segment].frames_taken = taken;
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
