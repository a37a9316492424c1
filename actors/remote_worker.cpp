#include "actors/remote_worker.hpp"

#include <chrono>
#include <optional>

#include "actors/error_text.hpp"
#include "actors/protocol.hpp"
#include "actors/transfer.hpp"

namespace pvenc::actors {
namespace {

struct pending_encode {
  caf::response_promise promise;
  int segment = 0;
  int attempt = 0;
  std::chrono::steady_clock::time_point started;
};

struct remote_worker_state {
  std::string name;
  caf::actor stub;
  int threads = 0;
  caf::actor observer;  // the sender of the encode request in flight
  std::uint64_t next_transfer = 0;
  transfer_inbox inbox;
  std::optional<pending_encode> pending;
};

using self_ptr = caf::stateful_actor<remote_worker_state>*;

// A cut the node does not confirm in time counts as not made. (If it was made after all, the
// segment's outcome ends early and the supervisor encodes the segment again.)
constexpr auto cut_timeout = std::chrono::seconds(10);

// Answers the request in flight (once).
void answer(self_ptr self, segment_outcome outcome) {
  auto& st = self->state;
  if (!st.pending) return;
  outcome.segment_id = st.pending->segment;
  outcome.attempt = st.pending->attempt;
  outcome.worker = st.name;
  if (!outcome.ok && outcome.encode_s == 0)
    outcome.encode_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - st.pending->started)
            .count();
  auto promise = st.pending->promise;
  st.pending.reset();
  promise.deliver(std::move(outcome));
}

segment_outcome failure(std::string error, bool lost = false) {
  segment_outcome out;
  out.error = std::move(error);
  out.lost = lost;
  return out;
}

// The stub's reply: the outcome has arrived in chunks before it.
void on_reply(self_ptr self, const transfer_header& header) {
  std::vector<char> bytes;
  std::string error = self->state.inbox.take(header, bytes);
  segment_outcome outcome;
  if (error.empty() && !from_bytes(bytes, outcome)) error = "the outcome does not decode";
  if (!error.empty()) outcome = failure("transfer from the worker node: " + error);
  answer(self, std::move(outcome));
}

caf::behavior remote_worker(self_ptr self, std::string name, caf::actor stub, int threads) {
  auto& st = self->state;
  st.name = std::move(name);
  st.stub = stub;
  st.threads = threads;
  self->monitor(stub);
  self->set_down_handler([=](caf::down_msg& down) {
    bool lost = down.reason == caf::exit_reason::remote_link_unreachable;
    answer(self, failure("the worker " + std::string(lost ? "node went away" : "stopped") + ": " +
                             describe(down.reason),
                         true));
    self->quit(down.reason);
  });
  self->attach_functor([stub] { caf::anon_send(stub, cancel_atom::value); });
  return {
      [=](encode_atom, const caf::message& source_msg, codecs::video_encode_settings settings,
          int attempt, int drill) {
        auto& st = self->state;
        // Before make_response_promise(), which takes the sender out of the current message.
        auto requester = caf::actor_cast<caf::actor>(self->current_sender());
        auto promise = self->make_response_promise();
        if (st.pending || !source_msg.match_element<codecs::segment_source>(0)) {
          promise.deliver(failure(st.pending ? "busy" : "malformed encode request"));
          return promise;
        }
        const auto& source = source_msg.get_as<codecs::segment_source>(0);
        st.pending =
            pending_encode{promise, source.segment_id, attempt, std::chrono::steady_clock::now()};
        st.observer = requester;
        std::uint64_t id = ++st.next_transfer;
        std::vector<char> bytes = to_bytes(source);
        send_chunks(self, st.stub, id, bytes);
        if (st.threads > 0) settings.threads = st.threads;
        self->request(st.stub, caf::infinite, encode_atom::value, header_of(id, bytes), settings,
                      attempt, drill)
            .then([=](const transfer_header& header) { on_reply(self, header); },
                  [=](caf::error& err) {
                    answer(self, failure("worker node: " + describe(err), true));
                  });
        return promise;
      },
      [=](chunk_atom, std::uint64_t id, const std::vector<char>& chunk) {
        self->state.inbox.add(id, chunk);
      },
      [=](progress_atom, const std::string&, int segment, int attempt, std::int64_t frames,
          std::int64_t taken) {
        auto& st = self->state;
        if (st.observer)
          self->send(st.observer, progress_atom::value, st.name, segment, attempt, frames, taken);
      },
      [=](cut_atom, int segment, int attempt, std::int64_t pts) {
        auto promise = self->make_response_promise();
        self->request(self->state.stub, cut_timeout, cut_atom::value, segment, attempt, pts)
            .then([=](bool done) mutable { promise.deliver(done); },
                  [=](caf::error&) mutable { promise.deliver(false); });
        return promise;
      },
  };
}

}  // namespace

caf::actor spawn_remote_worker(caf::actor_system& system, std::string name, caf::actor stub,
                               int threads) {
  return system.spawn(remote_worker, std::move(name), std::move(stub), threads);
}

}  // namespace pvenc::actors
