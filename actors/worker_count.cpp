#include "actors/worker_count.hpp"

#include <algorithm>
#include <fstream>
#include <string>

#include <spdlog/fmt/fmt.h>

namespace pvenc::actors {

namespace {
// Measured peak RSS per worker (bench/README.md, 2 workers, medium): x264 ~240 MB at 720p and
// ~470 MB at 1080p, x265 ~255, SVT-AV1 ~285, VP9 ~190 MB at 720p. 64 MiB plus 250 bytes per
// output pixel covers those with a margin (294 MB at 720p, 582 MB at 1080p).
constexpr std::int64_t base_bytes = std::int64_t{64} << 20;
constexpr std::int64_t bytes_per_pixel = 250;
// The share of the available memory the workers may plan to use: the muxer, the audio and
// the rest of the machine keep the remainder.
constexpr double usable_share = 0.75;
// Each encoder thread past the first holds more frames in flight: +10.5 MB per x264 medium
// thread at 720p (peak RSS of 1, 2, 4, 8 threads: 241, 263, 284, 326 MB), +4 MB per x265 pool
// thread.
constexpr std::int64_t thread_bytes_per_pixel = 12;
}  // namespace

std::int64_t worker_memory_estimate(int width, int height) {
  return base_bytes + bytes_per_pixel * std::int64_t{std::max(width, 1)} * std::max(height, 1);
}

int cores_per_worker(const std::string& codec) {
  return codec == "h265" || codec == "av1" ? 2 : 1;
}

worker_count_choice choose_worker_count(int cores, std::int64_t available_bytes, int width,
                                        int height, int cores_per_worker) {
  worker_count_choice choice;
  const int wanted = std::max(1, cores / std::max(1, cores_per_worker));
  choice.workers = wanted;
  if (available_bytes <= 0) return choice;
  std::int64_t each = worker_memory_estimate(width, height);
  auto fit = static_cast<int>(usable_share * static_cast<double>(available_bytes) /
                              static_cast<double>(each));
  if (fit >= choice.workers) return choice;
  choice.workers = std::max(1, fit);
  choice.memory_note =
      fmt::format("{} workers, not {}: {} MiB available, ~{} MiB per worker at {}x{}",
                  choice.workers, wanted, available_bytes >> 20, each >> 20, width, height);
  return choice;
}

worker_shape choose_worker_shape(const shape_request& r) {
  worker_shape shape;
  shape.workers = r.count_given ? r.workers : std::min(r.workers, std::max(1, r.segments));
  if (shape.workers == 0) return {0, 1};  // no local workers: no local threads
  if (r.threads > 0) {
    shape.threads = r.threads;
    return shape;
  }
  int each = std::max(1, shape.workers);
  shape.threads = std::clamp(std::max(1, r.cores) / each, 1, max_threads_per_worker);
  if (r.available_bytes > 0) {
    double share = usable_share * static_cast<double>(r.available_bytes) / each;
    double spare = share - static_cast<double>(worker_memory_estimate(r.width, r.height));
    double per_thread =
        static_cast<double>(thread_bytes_per_pixel) * std::max(r.width, 1) * std::max(r.height, 1);
    int fit = 1 + static_cast<int>(std::max(0.0, spare / per_thread));
    shape.threads = std::min(shape.threads, fit);
  }
  return shape;
}

std::int64_t available_memory_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  const std::string key = "MemAvailable:";
  while (std::getline(meminfo, line))
    if (line.compare(0, key.size(), key) == 0) return std::stoll(line.substr(key.size())) * 1024;
  return 0;
}

}  // namespace pvenc::actors
