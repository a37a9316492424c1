#include "actors/cut_policy.hpp"

#include <algorithm>
#include <cmath>

namespace pvenc::actors {
namespace {

constexpr double min_rest_s = 0.25;  // time a cut must save

}  // namespace

double rest_overhead_frames(const std::string& codec) {
  if (codec == "h265") return 5;
  if (codec == "vp9") return 3;
  return 2;  // SVT-AV1, x264 and the rest
}

std::optional<std::int64_t> running_cut(std::int64_t total, std::int64_t encoded,
                                        std::int64_t taken, double fps, double overhead_frames) {
  if (fps <= 0) return std::nullopt;
  double balanced = (total + encoded + overhead_frames) / 2;
  std::int64_t cut = std::max(static_cast<std::int64_t>(std::llround(balanced)), taken + 2);
  std::int64_t rest = total - cut;
  if (cut < min_frames_per_part || rest < min_frames_per_part || rest / fps < min_rest_s)
    return std::nullopt;
  return cut;
}

std::optional<std::int64_t> cut_before_start(std::int64_t total, double head_fps, double rest_fps,
                                             double other_free_s, double overhead_frames) {
  if (head_fps <= 0 || rest_fps <= 0 || other_free_s < 0) return std::nullopt;
  double rest_s = (overhead_frames + total) / rest_fps;  // if the rest were everything
  double head = (other_free_s + rest_s) / (1 / head_fps + 1 / rest_fps);
  auto frames = static_cast<std::int64_t>(std::llround(head));
  if (frames < min_frames_per_part || total - frames < min_frames_per_part) return std::nullopt;
  if ((total - frames) / head_fps < min_rest_s) return std::nullopt;  // what the head is spared
  return frames;
}

}  // namespace pvenc::actors
