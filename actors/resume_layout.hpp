// What --resume makes of an earlier run's finished segments when some segments were cut for
// idle workers (segments.rebalance) and finished only in parts: each plan segment is covered,
// in file order, by its stored parts and by the gaps between them, which are encoded again.
// A pure function of the plan and the stored parts' spans, tested on its own.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "actors/messages.hpp"

namespace pvenc::actors {

// The source pts a stored part covers: start_pts <= pts < end_pts.
struct stored_span {
  std::int64_t start_pts = 0;
  std::int64_t end_pts = 0;
};

struct resume_layout {
  // The cuts to make again before anything else, in order: a head keeps its id, each rest gets
  // the next id from plan.segments.size() on (what a supervisor's tasks would number it).
  std::vector<segment_split> cuts;
  // Stored id -> the id of the piece it is now (a whole plan segment keeps its own). A stored
  // id that is not here is not used: it overlaps another part, lies outside the plan, or its
  // segment's cut points are not frames of `info`.
  std::map<int, int> kept;
};

resume_layout layout_resume(const codecs::media_info& info, const segment_plan& plan,
                            const std::map<int, stored_span>& stored);

}  // namespace pvenc::actors
