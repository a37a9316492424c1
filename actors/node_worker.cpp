#include "actors/node_worker.hpp"

#include <atomic>
#include <memory>
#include <optional>

#include <spdlog/spdlog.h>

#include "actors/encoder_worker.hpp"
#include "actors/error_text.hpp"
#include "actors/protocol.hpp"
#include "actors/transfer.hpp"

namespace pvenc::actors {
namespace {

struct pending_reply {
  caf::response_promise promise;
  caf::actor requester;
  std::uint64_t transfer = 0;
  int segment = 0;
};

struct node_worker_state {
  std::string name;
  caf::actor encoder;
  // The current encoder, also for the exit functor (which must not touch the state).
  std::shared_ptr<caf::actor> encoder_for_exit = std::make_shared<caf::actor>();
  std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
  // Lets the coordinator cut the encode in progress short (segments.rebalance).
  std::shared_ptr<codecs::segment_end> end = std::make_shared<codecs::segment_end>();
  transfer_inbox inbox;
  std::optional<pending_reply> pending;
};

using self_ptr = caf::stateful_actor<node_worker_state>*;

void start_encoder(self_ptr self) {
  auto& st = self->state;
  st.encoder = spawn_encoder_worker(self->system(), st.name, self, st.cancel, st.end);
  *st.encoder_for_exit = st.encoder;
  self->monitor(st.encoder);
}

// Sends `outcome` back in chunks, then the reply that describes them (once per request).
void reply_with(self_ptr self, segment_outcome outcome) {
  auto& st = self->state;
  if (!st.pending) return;
  auto pending = std::move(*st.pending);
  st.pending.reset();
  outcome.worker = st.name;
  std::vector<char> bytes = to_bytes(std::move(outcome));
  send_chunks(self, pending.requester, pending.transfer, bytes);
  pending.promise.deliver(header_of(pending.transfer, bytes));
}

segment_outcome failure(int segment, int attempt, std::string error) {
  segment_outcome out;
  out.segment_id = segment;
  out.attempt = attempt;
  out.error = std::move(error);
  return out;
}

caf::behavior node_worker(self_ptr self, std::string name) {
  self->state.name = std::move(name);
  start_encoder(self);
  self->set_down_handler([=](caf::down_msg& down) {
    auto& st = self->state;
    if (down.source != st.encoder.address()) return;
    spdlog::warn("worker {} exited: {}; starting a new one", st.name, describe(down.reason));
    if (st.pending)
      reply_with(self, failure(st.pending->segment, 0, "worker died: " + describe(down.reason)));
    start_encoder(self);
  });
  self->attach_functor([cancel = self->state.cancel, encoder = self->state.encoder_for_exit] {
    cancel->store(true);
    caf::anon_send_exit(*encoder, caf::exit_reason::user_shutdown);
  });
  return {
      [=](chunk_atom, std::uint64_t id, const std::vector<char>& chunk) {
        self->state.inbox.add(id, chunk);
      },
      [=](encode_atom, const transfer_header& header, const codecs::video_encode_settings& settings,
          int attempt, int drill) {
        auto& st = self->state;
        // Before make_response_promise(), which takes the sender out of the current message.
        auto requester = caf::actor_cast<caf::actor>(self->current_sender());
        auto promise = self->make_response_promise();
        if (st.pending) {  // one encode at a time; refuse without touching the one in flight
          st.inbox.drop(header.id);
          promise.deliver(caf::make_error(caf::sec::runtime_error, "worker busy"));
          return promise;
        }
        st.pending = pending_reply{promise, requester, header.id, 0};
        std::vector<char> bytes;
        std::string error = st.inbox.take(header, bytes);
        codecs::segment_source source;
        if (error.empty() && !from_bytes(bytes, source)) error = "the source does not decode";
        if (!error.empty()) {
          spdlog::warn("{}: transfer from the coordinator: {}", st.name, error);
          reply_with(self, failure(-1, attempt, "transfer to the worker node: " + error));
          return promise;
        }
        st.pending->segment = source.segment_id;
        spdlog::info("[seg {:04d}] {} encoding (attempt {}, {} thread{})", source.segment_id,
                     st.name, attempt, settings.threads, settings.threads == 1 ? "" : "s");
        st.cancel->store(false);
        self->request(st.encoder, caf::infinite, encode_atom::value,
                      caf::make_message(std::move(source)), settings, attempt, drill)
            .then([=](segment_outcome& outcome) { reply_with(self, std::move(outcome)); },
                  [=](caf::error& err) {
                    auto& st = self->state;
                    int segment = st.pending ? st.pending->segment : -1;
                    reply_with(self, failure(segment, attempt, "worker: " + describe(err)));
                  });
        return promise;
      },
      [=](cancel_atom) { self->state.cancel->store(true); },
      [=](cut_atom, int segment, int attempt, std::int64_t pts) {
        return self->state.end->cut(segment, attempt, pts);
      },
      [=](progress_atom, const std::string& worker, int segment, int attempt, std::int64_t frames,
          std::int64_t taken) {
        auto& st = self->state;
        if (st.pending)
          self->send(st.pending->requester, progress_atom::value, worker, segment, attempt, frames,
                     taken);
      },
  };
}

}  // namespace

caf::actor spawn_node_worker(caf::actor_system& system, std::string name) {
  return system.spawn(node_worker, std::move(name));
}

}  // namespace pvenc::actors
