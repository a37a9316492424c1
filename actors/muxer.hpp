// The muxer: writes the output container as segments complete, in file order, interleaved
// with the audio track. Writes under a temporary name; renames only when the whole file is
// complete. Receives (video_atom, segment_outcome) in any order, (split_atom, segment, rest)
// before a segment that was cut short (its rest follows it in the file), the audio encoder's
// messages, (finish_atom) -> mux_result once everything is written, (abort_atom) to give up (the
// partial file is deleted). Every segment that arrives is first saved in the work store (if any),
// so that finished work survives a failed or killed run. Runs detached (file I/O).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/work_store.hpp"

namespace pvenc::actors {

struct muxer_options {
  std::string output_path;
  std::string container;                    // libavformat muxer name
  int segment_count = 0;                    // of the plan (ids 0..n-1); split_atom adds more
  std::vector<std::pair<int, int>> splits;  // (segment, rest) known from the start (--resume)
  bool expect_audio = false;
  std::optional<work_store> store;  // where finished segments are kept; none: not kept
};

caf::actor spawn_muxer(caf::actor_system& system, muxer_options options);

}  // namespace pvenc::actors
