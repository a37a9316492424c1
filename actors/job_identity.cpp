#include "actors/job_identity.hpp"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "actors/crypto.hpp"

namespace pvenc::actors {
namespace {

nlohmann::json input_identity(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return {{"source", path}};
  auto mtime = fs::last_write_time(path, ec).time_since_epoch().count();
  return {{"path", fs::absolute(path, ec).string()},
          {"size", fs::file_size(path, ec)},
          {"mtime", mtime}};
}

}  // namespace

std::string job_fingerprint(const config::job& job, const codecs::video_encode_settings& s,
                            const segment_plan& plan) {
  nlohmann::json segments = nlohmann::json::array();
  for (const auto& seg : plan.segments) segments.push_back({seg.start_pts, seg.end_pts});
  nlohmann::json j = {
      {"input", input_identity(job.input.path)},
      {"output", std::filesystem::path(job.output.path).extension().string()},
      {"video",
       {s.codec, s.speed, s.use_crf, s.crf, s.bitrate, s.width, s.height, s.frame_rate_num,
        s.frame_rate_den, s.level, s.gpu, s.target_metric, s.target, s.crf_min, s.crf_max}},
      {"scene_detect", job.segments.scene_detect},
      {"segments", segments}};
  return sha256_hex(j.dump());
}

}  // namespace pvenc::actors
