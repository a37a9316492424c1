// Cutting a running segment in two when a worker has nothing left to do: without it the last
// segments of a job keep some workers busy while the others wait (the "idle tail").
#include <algorithm>
#include <chrono>
#include <optional>

#include <spdlog/spdlog.h>

#include "actors/error_text.hpp"
#include "actors/protocol.hpp"
#include "actors/segment_plan.hpp"
#include "actors/supervisor_state.hpp"

namespace pvenc::actors::supervision {
namespace {

// A cut pays only when the rest is worth a new encoder (its start-up, the pre-roll it decodes
// and one more keyframe): at least this much work left, and enough frames for both halves.
constexpr double min_seconds_left = 1.5;
constexpr std::int64_t min_frames_per_half = 8;

struct split_candidate {
  std::size_t worker = 0;
  double seconds_left = 0;
  std::int64_t at_frame = 0;  // where the rest starts (presentation order)
};

double seconds_since(const supervisor_state& st, double start_s) {
  auto now = std::chrono::steady_clock::now();
  return std::chrono::duration<double>(now - st.started).count() - start_s;
}

// The local attempt with the most time left, judged by its own speed so far, if any is worth
// cutting; the cut halves what is left.
std::optional<split_candidate> best_candidate(const supervisor_state& st) {
  std::optional<split_candidate> best;
  for (std::size_t w = 0; w < st.workers.size(); ++w) {
    const auto& slot = st.workers[w];
    if (!slot.busy || !slot.end || slot.segment < 0) continue;
    const auto& task = st.tasks[slot.segment];
    const auto& spec = task.report.spec;
    std::int64_t done = task.frames_done;
    double elapsed = seconds_since(st, task.in_flight.start_s);
    if (done <= 0 || elapsed <= 0) continue;  // not started: its speed is unknown
    std::int64_t left = spec.end_frame - spec.start_frame - done;
    double seconds_left = left * elapsed / done;
    if (left < 2 * min_frames_per_half || seconds_left < min_seconds_left) continue;
    if (best && best->seconds_left >= seconds_left) continue;
    best = split_candidate{w, seconds_left, spec.start_frame + done + left / 2};
  }
  return best;
}

// The segmenter made `rest`: cuts the attempt short if it is still running and has not passed
// the point yet, then queues the rest. Returns whether it did.
bool apply_split(self_ptr self, std::size_t w, std::uint64_t token, segment_spec& rest) {
  auto& st = self->state;
  auto& slot = st.workers[w];
  if (st.finished || slot.token != token) return false;  // that attempt is over
  int id = slot.segment;
  auto& parent = st.tasks[id];
  if (!slot.end->cut(id, parent.in_flight.attempt, rest.start_pts)) {
    spdlog::debug("[seg {:04d}] passed frame {} before it could be cut", id, rest.start_frame);
    return false;
  }
  spdlog::info("[seg {:04d}] cut at frame {} for an idle worker: segment {} takes frames {}-{}", id,
               rest.start_frame, rest.id, rest.start_frame, rest.end_frame - 1);
  end_before(parent.report.spec, rest);
  parent.source = caf::message{};  // a retry reads the shorter segment again
  self->send(st.options.muxer, split_atom::value, id, rest.id);
  task_state task;
  task.report.spec = rest;
  task.report.split_from = id;
  st.tasks.push_back(std::move(task));
  st.queue.push_front(rest.id);
  return true;
}

}  // namespace

void offer_split(self_ptr self) {
  auto& st = self->state;
  if (!st.options.rebalance || st.splitting || st.finished || st.draining) return;
  if (!st.queue.empty()) return;
  bool idle = std::any_of(st.workers.begin(), st.workers.end(),
                          [](const worker_slot& w) { return !w.busy && !w.gone; });
  if (!idle) return;
  auto candidate = best_candidate(st);
  if (!candidate) return;
  auto& slot = st.workers[candidate->worker];
  std::size_t w = candidate->worker;
  std::uint64_t token = slot.token;
  int rest_id = static_cast<int>(st.tasks.size());
  st.splitting = true;
  self->request(st.options.segmenter, caf::infinite, split_atom::value,
                st.tasks[slot.segment].report.spec, candidate->at_frame, rest_id)
      .then(
          [=](segment_spec& rest) {
            self->state.splitting = false;
            if (apply_split(self, w, token, rest)) dispatch(self);  // else: the next tick tries
          },
          [=](caf::error& err) {
            self->state.splitting = false;
            self->state.options.rebalance = false;
            spdlog::warn("cutting a segment for an idle worker failed ({}): no more cuts",
                         describe(err));
          });
}

}  // namespace pvenc::actors::supervision
