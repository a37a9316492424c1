// Cutting segments for idle workers (segments.rebalance): without it the last segments of a job
// keep some workers busy while the others wait (the "idle tail"). Two ways: the last queued
// segment is cut before it starts when the other workers are predicted to free up well before
// it would end; a running segment is cut when a worker is idle and it still has much to do.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

#include <spdlog/spdlog.h>

#include "actors/cut_policy.hpp"
#include "actors/error_text.hpp"
#include "actors/protocol.hpp"
#include "actors/segment_plan.hpp"
#include "actors/supervisor_state.hpp"

namespace pvenc::actors::supervision {
namespace {

struct split_candidate {
  std::size_t worker = 0;
  double seconds_left = 0;
  std::int64_t at_frame = 0;  // where the rest starts (presentation order)
};

double seconds_between(std::chrono::steady_clock::time_point from,
                       std::chrono::steady_clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// Whether an idle worker could take (the rest of) segment `id`.
bool idle_worker_fits(const supervisor_state& st, int id) {
  return std::any_of(st.workers.begin(), st.workers.end(),
                     [&](const worker_slot& w) { return !w.busy && fits(st, w, id); });
}

// Frames the attempt in `slot` has taken, -1 if it cannot be cut: a local worker's segment_end
// says now; a remote one's last progress report said (the node checks again when asked).
std::int64_t frames_taken(const supervisor_state& st, const worker_slot& slot) {
  if (slot.end) return slot.end->armed() ? slot.end->taken() : -1;
  return slot.remote ? st.tasks[slot.segment].frames_taken : -1;
}

// The attempt with the most time left, judged by its own speed so far (its last report
// carried forward to now), if any is worth cutting, and where (see running_cut).
std::optional<split_candidate> best_candidate(const supervisor_state& st) {
  auto now = std::chrono::steady_clock::now();
  std::optional<split_candidate> best;
  for (std::size_t w = 0; w < st.workers.size(); ++w) {
    const auto& slot = st.workers[w];
    if (!slot.busy) continue;
    std::int64_t taken = frames_taken(st, slot);
    if (taken < 0 || !idle_worker_fits(st, slot.segment)) continue;
    const auto& task = st.tasks[slot.segment];
    const auto& spec = task.report.spec;
    double reported_s = seconds_between(task.attempt_at, task.progress_at);
    if (task.frames_done <= 0 || reported_s <= 0) continue;  // nothing encoded: speed unknown
    double fps = task.frames_done / reported_s;
    std::int64_t total = spec.end_frame - spec.start_frame;
    auto encoded = std::min<std::int64_t>(
        total, task.frames_done + std::llround(fps * seconds_between(task.progress_at, now)));
    auto at =
        running_cut(total, encoded, taken, fps, rest_overhead_frames(st.options.settings.codec));
    double seconds_left = (total - encoded) / fps;
    if (!at || (best && best->seconds_left >= seconds_left)) continue;
    best = split_candidate{w, seconds_left, spec.start_frame + *at};
  }
  return best;
}

// Records a cut: segment `parent` becomes `cut.head`, the muxer learns that the rest follows
// it, and the rest is queued first.
void record_cut(self_ptr self, int parent, const segment_split& cut) {
  auto& st = self->state;
  add_cut(st, cut);
  st.tasks[parent].source = caf::message{};  // the next attempt reads the shorter segment
  self->send(st.options.muxer, split_atom::value, parent, cut.rest.id);
  st.queue.push_front(cut.rest.id);
}

// The attempt was cut (or not, `done`): records the cut and queues the rest.
void on_cut_answer(self_ptr self, int id, const segment_split& cut, bool done) {
  const segment_spec& rest = cut.rest;
  if (!done) {
    spdlog::debug("[seg {:04d}] passed frame {} before it could be cut", id, rest.start_frame);
    return;
  }
  spdlog::info("[seg {:04d}] cut at frame {} for an idle worker: segment {} takes frames {}-{}", id,
               rest.start_frame, rest.id, rest.start_frame, rest.end_frame - 1);
  record_cut(self, id, cut);
  dispatch(self);
}

// The segmenter made the rest: cuts the attempt short if it is still running and has not
// passed the point yet. A local worker's segment_end answers at once; a remote worker's node
// answers through its proxy, before the attempt's outcome (both travel in order on the same
// link), and the cut in progress holds off other cuts until then.
void cut_running(self_ptr self, std::size_t w, std::uint64_t token, const segment_split& cut) {
  auto& st = self->state;
  auto& slot = st.workers[w];
  if (st.finished || slot.token != token) {  // that attempt is over
    st.splitting = false;
    return;
  }
  int id = slot.segment;
  int attempt = st.tasks[id].in_flight.attempt;
  if (slot.end) {
    st.splitting = false;
    on_cut_answer(self, id, cut, slot.end->cut(id, attempt, cut.rest.start_pts));
    return;
  }
  st.tasks[id].proposed_cut = cut;
  self->request(slot.handle, caf::infinite, cut_atom::value, id, attempt, cut.rest.start_pts)
      .then(
          [=](bool done) {
            auto& st = self->state;
            st.splitting = false;
            if (done && st.workers[w].token == token) st.tasks[id].proposed_cut.reset();
            // An attempt that ended meanwhile (lost, timed out) is encoded again whole.
            if (!st.finished && st.workers[w].token == token) on_cut_answer(self, id, cut, done);
          },
          [=](caf::error&) { self->state.splitting = false; });
}

// A worker's speed: source frames per second over its finished attempts, or the job's so far.
double speed_of(const supervisor_state& st, const worker_slot& slot) {
  if (slot.source_frames > 0 && slot.source_s > 0) return slot.source_frames / slot.source_s;
  return st.measured_frames / st.measured_s;
}

struct free_worker {
  double in_s = 0;  // free in this many seconds (predicted)
  double fps = 0;   // its speed
};

// The first worker other than `w` that could take segment `id` to be free, predicted from its
// speed and how long its attempt has run; none when there is no such worker.
std::optional<free_worker> first_free(const supervisor_state& st, std::size_t w, int id) {
  auto now = std::chrono::steady_clock::now();
  std::optional<free_worker> first;
  for (std::size_t k = 0; k < st.workers.size(); ++k) {
    const auto& slot = st.workers[k];
    if (k == w || !fits(st, slot, id)) continue;
    free_worker f{0, speed_of(st, slot)};
    if (slot.busy) {
      const auto& task = st.tasks[slot.segment];
      const auto& spec = task.report.spec;
      double need = (spec.end_frame - spec.start_frame) / f.fps;
      f.in_s = std::max(0.0, need - seconds_between(task.attempt_at, now));
    }
    if (!first || f.in_s < first->in_s) first = f;
  }
  return first;
}

}  // namespace

void accept_unconfirmed_cut(self_ptr self, int id) {
  segment_split cut = *self->state.tasks[id].proposed_cut;
  self->state.tasks[id].proposed_cut.reset();
  spdlog::info(
      "[seg {:04d}] ended at frame {}, where a cut was asked: segment {} takes frames "
      "{}-{}",
      id, cut.rest.start_frame, cut.rest.id, cut.rest.start_frame, cut.rest.end_frame - 1);
  record_cut(self, id, cut);
}

void add_cut(supervisor_state& st, const segment_split& cut) {
  auto& task = st.tasks[cut.head.id];
  task.report.spec = cut.head;
  task_state added;
  added.failures = task.failures;  // the rest keeps the quality step the segment is at
  added.report.spec = cut.rest;
  added.report.split_from = cut.head.id;
  st.tasks.push_back(std::move(added));
}

void offer_running_cut(self_ptr self) {
  auto& st = self->state;
  if (!st.options.rebalance || st.splitting || st.finished || st.draining) return;
  if (!st.queue.empty()) return;
  auto candidate = best_candidate(st);
  if (!candidate) return;
  auto& slot = st.workers[candidate->worker];
  std::size_t w = candidate->worker;
  std::uint64_t token = slot.token;
  int rest_id = static_cast<int>(st.tasks.size());
  st.splitting = true;
  self->request(st.options.segmenter, caf::infinite, split_atom::value,
                st.tasks[slot.segment].report.spec, candidate->at_frame, rest_id)
      .then([=](segment_split& cut) { cut_running(self, w, token, cut); },  // else: next tick
            [=](caf::error& err) {
              self->state.splitting = false;
              self->state.options.rebalance = false;
              spdlog::warn("cutting a segment for an idle worker failed ({}): no more cuts",
                           describe(err));
            });
}

bool offer_cut_before_start(self_ptr self, std::size_t w, int id) {
  auto& st = self->state;
  if (!st.options.rebalance || st.splitting || !st.queue.empty()) return false;
  if (st.measured_frames <= 0 || st.measured_s <= 0) return false;  // no speed known yet
  auto other = first_free(st, w, id);
  if (!other) return false;
  const auto& spec = st.tasks[id].report.spec;
  auto head = actors::cut_before_start(spec.end_frame - spec.start_frame,
                                       speed_of(st, st.workers[w]), other->fps, other->in_s,
                                       rest_overhead_frames(st.options.settings.codec));
  if (!head) return false;
  st.splitting = true;
  int rest_id = static_cast<int>(st.tasks.size());
  self->request(st.options.segmenter, caf::infinite, split_atom::value, spec,
                spec.start_frame + *head, rest_id)
      .then(
          [=](segment_split& cut) {
            auto& st = self->state;
            const segment_spec& rest = cut.rest;
            st.splitting = false;
            if (st.finished) return;
            spdlog::info(
                "[seg {:04d}] cut at frame {} before it starts, the other workers free "
                "up in {:.1f} s: segment {} takes frames {}-{}",
                id, rest.start_frame, other->in_s, rest.id, rest.start_frame, rest.end_frame - 1);
            record_cut(self, id, cut);
            st.queue.push_front(id);  // the head first
            dispatch(self);
          },
          [=](caf::error& err) {
            auto& st = self->state;
            st.splitting = false;
            st.options.rebalance = false;
            spdlog::warn("cutting segment {} failed ({}): no more cuts", id, describe(err));
            st.queue.push_front(id);
            dispatch(self);
          });
  return true;
}

}  // namespace pvenc::actors::supervision
