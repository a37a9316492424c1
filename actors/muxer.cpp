#include "actors/muxer.hpp"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>

#include <spdlog/spdlog.h>

#include "actors/protocol.hpp"
#include "codecs/container_writer.hpp"

namespace pvenc::actors {
namespace {

using codecs::media_packet;

double seconds_of(const media_packet& p, const codecs::rational& tb) {
  std::int64_t ts = p.dts != codecs::no_timestamp ? p.dts : p.pts;
  return ts == codecs::no_timestamp ? 0.0 : ts * tb.to_double();
}

struct muxer_state {
  muxer_options options;
  std::unique_ptr<codecs::container_writer> writer;
  int video_index = -1;
  int audio_index = -1;
  codecs::stream_params video_params;
  // video
  std::map<int, codecs::encoded_video> finished;  // segments waiting for their turn
  std::vector<int> order;                         // segment ids in file order
  std::size_t next_turn = 0;                      // position in `order` of the segment written next
  std::size_t next_packet = 0;                    // within that segment
  // audio
  std::optional<codecs::stream_params> audio_params;
  std::deque<media_packet> audio_queue;
  bool audio_done = false;
  // result
  mux_result result;
  std::string error;
  caf::response_promise finish_promise;
  bool finish_requested = false;
};

bool video_exhausted(const muxer_state& st) {
  return st.next_turn >= st.order.size();
}
bool audio_exhausted(const muxer_state& st) {
  return !st.options.expect_audio || (st.audio_done && st.audio_queue.empty());
}

bool ready_for_header(const muxer_state& st) {
  if (!st.finished.count(0)) return false;
  return !st.options.expect_audio || st.audio_params || st.audio_done;
}

void open_output(muxer_state& st) {
  st.video_params = st.finished.at(0).params;
  st.writer =
      std::make_unique<codecs::container_writer>(st.options.output_path, st.options.container);
  st.video_index = st.writer->add_stream(st.video_params);
  if (st.audio_params) st.audio_index = st.writer->add_stream(*st.audio_params);
  st.writer->open();
}

const media_packet* next_video_packet(muxer_state& st) {
  while (!video_exhausted(st)) {
    int id = st.order[st.next_turn];
    auto it = st.finished.find(id);
    if (it == st.finished.end()) return nullptr;
    if (st.next_packet == 0 && it->second.params.extradata != st.video_params.extradata)
      throw std::runtime_error("segment " + std::to_string(id) +
                               ": parameter sets differ from segment 0");
    if (st.next_packet < it->second.packets.size()) return &it->second.packets[st.next_packet];
    st.finished.erase(it);  // segment written: free its packets
    ++st.next_turn;
    st.next_packet = 0;
  }
  return nullptr;
}

// Writes everything that can be written now, in time order across the streams.
void pump(muxer_state& st) {
  if (!st.writer) {
    if (!ready_for_header(st)) return;
    open_output(st);
  }
  for (;;) {
    const media_packet* video = next_video_packet(st);
    const media_packet* audio =
        st.audio_index >= 0 && !st.audio_queue.empty() ? &st.audio_queue.front() : nullptr;
    bool video_waiting = !video && !video_exhausted(st);
    bool audio_waiting = !audio && st.audio_index >= 0 && !audio_exhausted(st);
    bool write_audio = audio && (!video || seconds_of(*audio, st.audio_params->time_base) <=
                                               seconds_of(*video, st.video_params.time_base));
    if (write_audio && !video_waiting) {
      st.writer->write(st.audio_index, *audio);
      st.audio_queue.pop_front();
      ++st.result.audio_packets;
    } else if (video && !audio_waiting) {
      st.writer->write(st.video_index, *video);
      ++st.next_packet;
      ++st.result.video_packets;
    } else {
      return;
    }
  }
}

void try_finish(muxer_state& st) {
  if (!st.finish_requested || !st.finish_promise.pending()) return;
  if (st.error.empty() && !(video_exhausted(st) && audio_exhausted(st))) return;
  if (st.error.empty()) {
    try {
      if (!st.writer) throw std::runtime_error("no video was encoded");
      st.writer->commit();
      std::error_code ec;
      st.result.bytes =
          static_cast<std::int64_t>(std::filesystem::file_size(st.options.output_path, ec));
      st.result.ok = true;
    } catch (const std::exception& e) {
      st.error = e.what();
    }
  }
  st.result.error = st.error;
  st.writer.reset();  // removes the temporary file unless committed
  st.finish_promise.deliver(st.result);
}

// Runs `step` (skipped once the job has failed) and turns any failure into the job's mux
// error; then answers a pending finish request if it can.
template <class Step>
void guarded(muxer_state& st, Step&& step) {
  if (!st.error.empty()) return try_finish(st);
  try {
    step();
    pump(st);
  } catch (const std::exception& e) {
    st.error = e.what();
    st.writer.reset();
  }
  try_finish(st);
}

// Segment `rest` follows `segment` in the file. Throws when `segment` is unknown or written.
void insert_rest(muxer_state& st, int segment, int rest) {
  auto it = std::find(st.order.begin(), st.order.end(), segment);
  if (it == st.order.end() || std::find(st.order.begin(), st.order.end(), rest) != st.order.end())
    throw std::runtime_error("split of unknown segment " + std::to_string(segment));
  if (static_cast<std::size_t>(it - st.order.begin()) < st.next_turn)
    throw std::runtime_error("segment " + std::to_string(segment) + " split after it was written");
  st.order.insert(it + 1, rest);
}

caf::behavior muxer(caf::stateful_actor<muxer_state>* self, muxer_options options) {
  self->state.options = std::move(options);
  auto& st = self->state;
  for (int id = 0; id < st.options.segment_count; ++id) st.order.push_back(id);
  try {
    for (const auto& [segment, rest] : st.options.splits) insert_rest(st, segment, rest);
  } catch (const std::exception& e) {
    st.error = e.what();
  }
  return {
      [=, &st](video_atom, segment_outcome& outcome) {
        guarded(st, [&] {
          auto& store = st.options.store;
          if (store && !store->contains(outcome.segment_id))
            store->save(outcome.segment_id, outcome.video);
          st.finished.emplace(outcome.segment_id, std::move(outcome.video));
        });
      },
      [=, &st](split_atom, int segment, int rest) {
        guarded(st, [&] { insert_rest(st, segment, rest); });
      },
      [=, &st](audio_atom, const codecs::stream_params& params) {
        guarded(st, [&] { st.audio_params = params; });
      },
      [=, &st](audio_atom, std::vector<media_packet>& packets) {
        guarded(st, [&] {
          for (auto& p : packets) st.audio_queue.push_back(std::move(p));
        });
      },
      [=, &st](audio_atom, done_atom, const std::string& error) {
        if (!error.empty() && st.error.empty()) st.error = error;
        guarded(st, [&] { st.audio_done = true; });
      },
      [=, &st](finish_atom) {
        st.finish_promise = self->make_response_promise();
        st.finish_requested = true;
        try_finish(st);
        return st.finish_promise;
      },
      [=, &st](abort_atom) {
        st.writer.reset();
        self->quit();
      },
  };
}

}  // namespace

caf::actor spawn_muxer(caf::actor_system& system, muxer_options options) {
  return system.spawn<caf::detached>(muxer, std::move(options));
}

}  // namespace pvenc::actors
