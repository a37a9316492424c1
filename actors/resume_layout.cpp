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

// Whether each end of `span` is its segment's end or the pts of a frame (where a cut can be).
bool on_frames(const codecs::media_info& info, const segment_spec& owner, const stored_span& span) {
  for (auto pts : {span.start_pts, span.end_pts})
    if (pts != owner.start_pts && pts != owner.end_pts && frame_at_pts(info, pts) < 0) return false;
  return true;
}

// Each plan segment's stored parts, in pts order, without overlaps (the earlier one wins). A
// plan id is only its own segment's head (the id a cut head keeps).
std::map<int, std::vector<stored_part>> parts_by_segment(const codecs::media_info& info,
                                                         const segment_plan& plan,
                                                         const std::map<int, stored_span>& stored) {
  std::map<int, std::vector<stored_part>> parts;
  auto plan_size = static_cast<int>(plan.segments.size());
  for (const auto& [id, span] : stored) {
    const segment_spec* owner = segment_at(plan, span.start_pts);
    if (!owner || span.end_pts <= span.start_pts || span.end_pts > owner->end_pts) continue;
    if (id < plan_size && (id != owner->id || span.start_pts != owner->start_pts)) continue;
    if (!on_frames(info, *owner, span)) continue;
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

// The frames where `spec` must be cut so that every part is a piece of its own; empty when a
// point is not a frame of `info`.
std::vector<std::int64_t> cut_frames(const codecs::media_info& info, const segment_spec& spec,
                                     const std::vector<stored_part>& parts) {
  std::vector<std::int64_t> points;
  for (const auto& p : parts)
    for (auto pts : {p.span.start_pts, p.span.end_pts})
      if (pts > spec.start_pts && pts < spec.end_pts) points.push_back(pts);
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  std::vector<std::int64_t> frames;
  for (auto pts : points) {
    std::int64_t frame = frame_at_pts(info, pts);
    if (frame <= spec.start_frame || frame >= spec.end_frame) return {};
    frames.push_back(frame);
  }
  return frames;
}

}  // namespace

resume_layout layout_resume(const codecs::media_info& info, const segment_plan& plan,
                            const std::map<int, stored_span>& stored) {
  resume_layout out;
  int next_id = static_cast<int>(plan.segments.size());
  for (const auto& [segment, parts] : parts_by_segment(info, plan, stored)) {
    const segment_spec& whole = plan.segments[segment];
    auto frames = cut_frames(info, whole, parts);
    if (frames.empty()) {  // one part: the whole segment, or one that cannot be placed
      const auto& only = parts.front();
      if (only.id == segment && only.span.end_pts == whole.end_pts) out.kept[segment] = segment;
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
