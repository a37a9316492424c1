#include "actors/resume_layout.hpp"

#include <algorithm>

#include "actors/segment_plan.hpp"

namespace pvenc::actors {
namespace {

struct stored_part {
  int id = 0;
  stored_span span;
};

// The plan segment whose frames include `pts`; null if none.
const segment_spec* segment_at(const segment_plan& plan, std::int64_t pts) {
  for (const auto& spec : plan.segments)
    if (spec.start_pts <= pts && pts < spec.end_pts) return &spec;
  return nullptr;
}

// The index of the frame with pts `pts` in `frames` (frame_pts, sorted); -1 if none has it.
std::int64_t frame_at(const std::vector<std::int64_t>& frames, std::int64_t pts) {
  auto it = std::lower_bound(frames.begin(), frames.end(), pts);
  return it != frames.end() && *it == pts ? it - frames.begin() : -1;
}

// Whether each end of `span` is its segment's end or the pts of a frame (where a cut can be).
bool on_frames(const std::vector<std::int64_t>& frames, const segment_spec& owner,
               const stored_span& span) {
  for (auto pts : {span.start_pts, span.end_pts})
    if (pts != owner.start_pts && pts != owner.end_pts && frame_at(frames, pts) < 0) return false;
  return true;
}

// Each plan segment's stored parts, in pts order, without overlaps (the earlier one wins). A
// plan id is only its own segment's head (the id a cut head keeps). Every part's ends are its
// segment's or frames.
std::map<int, std::vector<stored_part>> parts_by_segment(const std::vector<std::int64_t>& frames,
                                                         const segment_plan& plan,
                                                         const std::map<int, stored_span>& stored) {
  std::map<int, std::vector<stored_part>> parts;
  auto plan_size = static_cast<int>(plan.segments.size());
  for (const auto& [id, span] : stored) {
    const segment_spec* owner = segment_at(plan, span.start_pts);
    if (!owner || span.end_pts <= span.start_pts || span.end_pts > owner->end_pts) continue;
    if (id < plan_size && (id != owner->id || span.start_pts != owner->start_pts)) continue;
    if (!on_frames(frames, *owner, span)) continue;
    parts[owner->id].push_back({id, span});
  }
  for (auto& [segment, list] : parts) {
    std::sort(list.begin(), list.end(), [](const stored_part& a, const stored_part& b) {
      return a.span.start_pts < b.span.start_pts;
    });
    std::vector<stored_part> apart;
    for (const auto& p : list)
      if (apart.empty() || p.span.start_pts >= apart.back().span.end_pts) apart.push_back(p);
    list = std::move(apart);
  }
  return parts;
}

// The frames where `spec` must be cut so that every part (see parts_by_segment) is a piece of
// its own, in order; empty when its one part spans it whole.
std::vector<std::int64_t> cut_frames(const std::vector<std::int64_t>& frames,
                                     const segment_spec& spec,
                                     const std::vector<stored_part>& parts) {
  std::vector<std::int64_t> points;
  for (const auto& p : parts)
    for (auto pts : {p.span.start_pts, p.span.end_pts})
      if (pts > spec.start_pts && pts < spec.end_pts) points.push_back(frame_at(frames, pts));
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  return points;
}

}  // namespace

resume_layout layout_resume(const codecs::media_info& info, const segment_plan& plan,
                            const std::map<int, stored_span>& stored) {
  resume_layout out;
  int next_id = static_cast<int>(plan.segments.size());
  const std::vector<std::int64_t> frames_pts = frame_pts(info);
  for (const auto& [segment, parts] : parts_by_segment(frames_pts, plan, stored)) {
    const segment_spec& whole = plan.segments[segment];
    auto frames = cut_frames(frames_pts, whole, parts);
    if (frames.empty()) {  // its one part spans it: whole, if it is the segment's own
      if (parts.front().id == segment) out.kept[segment] = segment;
      continue;
    }
    std::vector<segment_split> cuts;
    std::vector<segment_spec> pieces;
    segment_spec rest = whole;
    int id = next_id;
    for (auto frame : frames) {
      cuts.push_back(split_segment(info, rest, frame, id++));
      pieces.push_back(cuts.back().head);
      rest = cuts.back().rest;
    }
    pieces.push_back(rest);
    std::map<int, int> kept;
    for (const auto& piece : pieces)
      for (const auto& p : parts)
        if (p.span.start_pts == piece.start_pts && p.span.end_pts == piece.end_pts)
          kept[p.id] = piece.id;
    if (kept.empty()) continue;  // no part fits a piece exactly: the segment is encoded whole
    next_id = id;
    out.cuts.insert(out.cuts.end(), cuts.begin(), cuts.end());
    out.kept.insert(kept.begin(), kept.end());
  }
  return out;
}

}  // namespace pvenc::actors
