#include "actors/cut_policy.hpp"

#include <algorithm>
#include <cmath>

namespace pvenc::actors {
namespace {

constexpr double min_rest_s = 0.25;  // time a cut must save

}  // namespace

std::optional<std::int64_t> running_cut(std::int64_t total, std::int64_t encoded,
                                        std::int64_t taken, double fps) {
  if (fps <= 0) return std::nullopt;
  double balanced = (total + encoded + rest_overhead_s * fps) / 2;
  std::int64_t cut = std::max(static_cast<std::int64_t>(std::llround(balanced)), taken + 2);
  std::int64_t rest = total - cut;
  if (cut < min_frames_per_part || rest < min_frames_per_part || rest / fps < min_rest_s)
    return std::nullopt;
  return cut;
}

std::optional<std::int64_t> cut_before_start(std::int64_t total, double head_fps, double rest_fps,
                                             double other_free_s) {
  if (head_fps <= 0 || rest_fps <= 0 || other_free_s < 0) return std::nullopt;
  double head = (other_free_s + rest_overhead_s + total / rest_fps) / (1 / head_fps + 1 / rest_fps);
  auto frames = static_cast<std::int64_t>(std::llround(head));
  if (frames < min_frames_per_part || total - frames < min_frames_per_part) return std::nullopt;
  if ((total - frames) / head_fps < min_rest_s) return std::nullopt;  // what the head is spared
  return frames;
}

}  // namespace pvenc::actors
