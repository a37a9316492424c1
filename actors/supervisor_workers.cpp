// The retry supervisor's worker pool: local workers (spawned, replaced when they die) and
// remote ones (added when their node joins, dropped when it leaves), and which segments each
// may take.
#include <algorithm>

#include <spdlog/spdlog.h>

#include "actors/encoder_worker.hpp"
#include "actors/error_text.hpp"
#include "actors/supervisor_state.hpp"
#include "actors/worker_fit.hpp"

namespace pvenc::actors::supervision {

std::size_t live_workers(const supervisor_state& st) {
  return std::count_if(st.workers.begin(), st.workers.end(), [](const auto& w) { return !w.gone; });
}

void spawn_into(self_ptr self, worker_slot& slot) {
  slot.cancel = std::make_shared<std::atomic<bool>>(false);
  slot.end = std::make_shared<codecs::segment_end>();
  slot.handle = spawn_encoder_worker(self->system(), slot.name, self, slot.cancel, slot.end);
  self->monitor(slot.handle);
  self->state.live->push_back(slot.handle);
}

// Gives up on the slot's worker (dead or stuck). A stuck worker is cancelled and told to exit;
// it goes once its encode returns (a remote worker's exit cancels its node's encode). A local
// worker gets a fresh one in its place; a remote slot gets a spare of its node if there is one
// (a dead one's down message then drops it in turn), else it is dropped for good.
void replace_worker(self_ptr self, worker_slot& slot) {
  auto& live = *self->state.live;
  live.erase(std::remove(live.begin(), live.end(), slot.handle), live.end());
  if (slot.cancel) slot.cancel->store(true);
  self->demonitor(slot.handle);
  self->send_exit(slot.handle, caf::exit_reason::user_shutdown);
  slot.busy = false;
  slot.token = 0;
  if (!slot.remote) return spawn_into(self, slot);
  auto& spares = self->state.spare_workers[slot.caps.node];
  if (spares.empty()) {
    slot.gone = true;
    return;
  }
  slot.handle = spares.back();
  spares.pop_back();
  self->monitor(slot.handle);
  live.push_back(slot.handle);
  spdlog::info("worker {} continues on a spare worker of its node", slot.name);
}

// A worker died. If it was encoding, that attempt failed (a local worker) or was lost with its
// node (a remote one); a local worker is replaced, a remote one dropped.
void on_worker_down(self_ptr self, const caf::down_msg& down) {
  auto& st = self->state;
  for (std::size_t w = 0; w < st.workers.size(); ++w) {
    auto& slot = st.workers[w];
    if (slot.gone || slot.handle.address() != down.source) continue;
    if (st.finished)
      spdlog::debug("worker {} exited after the job: {}", slot.name, describe(down.reason));
    else if (slot.remote)
      spdlog::warn("worker {} left: {}", slot.name, describe(down.reason));
    else
      spdlog::warn("worker {} exited: {}", slot.name, describe(down.reason));
    bool was_busy = slot.busy;
    int segment = slot.segment;
    int attempt = st.tasks[segment < 0 ? 0 : segment].attempts;
    replace_worker(self, slot);
    if (!was_busy || st.finished) return dispatch(self);
    std::string what = slot.remote ? " left: " : " died: ";
    auto failed =
        made_up_failure(slot, segment, attempt,
                        "worker " + slot.name + what + describe(down.reason), 0, slot.remote);
    end_attempt(self, w, failed);
    return;
  }
}

segment_need need_of(const supervisor_state& st, int id) {
  return need_of(st.tasks[id].report.spec, st.options.settings.codec, st.options.output_width,
                 st.options.output_height);
}

bool fits(const supervisor_state& st, const worker_slot& slot, int id) {
  return !slot.gone && (!slot.remote || unfit_reason(slot.caps, need_of(st, id)).empty());
}

// Whether no worker (busy or idle) can take any queued segment; fills stuck_reason.
bool queue_is_stuck(supervisor_state& st) {
  if (st.queue.empty()) return false;
  for (int id : st.queue)
    for (const auto& slot : st.workers)
      if (fits(st, slot, id)) return false;
  int id = st.queue.front();
  std::string why;
  for (const auto& slot : st.workers)
    if (!slot.gone && slot.remote)
      why +=
          (why.empty() ? "" : "; ") + slot.name + ": " + unfit_reason(slot.caps, need_of(st, id));
  st.stuck_reason = why.empty() ? "no worker connected"
                                : fmt::format("no worker can encode segment {} ({})", id, why);
  return true;
}

// Starts or ends the wait for a worker that can take the queue; fails the job when the wait
// exceeds cluster.wait_for_workers.
void watch_for_stuck_queue(self_ptr self) {
  auto& st = self->state;
  if (st.finished || st.draining) return;
  if (!queue_is_stuck(st)) {
    st.stuck_since.reset();
    return;
  }
  auto now = std::chrono::steady_clock::now();
  if (!st.stuck_since) {
    st.stuck_since = now;
    spdlog::warn("waiting up to {:g} s for workers: {}", st.options.wait_for_workers,
                 st.stuck_reason);
    send_progress(self);
  }
  double waited = std::chrono::duration<double>(now - *st.stuck_since).count();
  if (waited >= st.options.wait_for_workers)
    finish(self, false,
           fmt::format("{} for {:g} s (cluster.wait_for_workers)", st.stuck_reason, waited));
}

// Adds the workers of a node that joined.
void add_remote_workers(self_ptr self, const worker_capabilities& caps,
                        const std::vector<caf::actor>& handles) {
  auto& st = self->state;
  // A node without --threads lends its workers as cores: where the codec's encoder uses k
  // threads better than k encodes, one in k of them is used (the others are spares, see
  // replace_worker), and the used ones share the node's workers out as threads (3 workers,
  // k = 2: 1 x 3), as local cores are.
  int per = caps.threads > 0 ? 1 : std::max(1, st.options.remote_cores_per_worker);
  std::size_t used = std::max<std::size_t>(1, handles.size() / per);
  int threads = static_cast<int>(handles.size() / used);
  for (std::size_t i = 0; i < used && i < handles.size(); ++i) {
    worker_slot slot;
    slot.name = caps.node + "/" + std::to_string(i);
    slot.remote = true;
    slot.caps = caps;
    slot.caps.workers = static_cast<int>(used);  // memory is shared among the used ones
    if (used < handles.size()) slot.threads = threads;
    slot.handle = handles[i];
    slot.stats.id = slot.name;
    slot.stats.node = caps.node;
    slot.stats.remote = true;
    self->monitor(slot.handle);
    st.live->push_back(slot.handle);
    st.workers.push_back(std::move(slot));
  }
  for (std::size_t i = used; i < handles.size(); ++i)
    st.spare_workers[caps.node].push_back(handles[i]);
  if (used < handles.size())
    spdlog::info("node {} joined with {} workers: used as {} x {} threads", caps.node,
                 handles.size(), used, threads);
  else
    spdlog::info("node {} joined with {} workers", caps.node, handles.size());
  watch_for_stuck_queue(self);
  dispatch(self);
}

}  // namespace pvenc::actors::supervision
