#include "actors/worker_fit.hpp"

#include <algorithm>

#include <spdlog/fmt/fmt.h>

#include "actors/worker_count.hpp"

namespace pvenc::actors {

segment_need need_of(const segment_spec& spec, const std::string& codec, int width, int height) {
  return {codec, width, height, worker_memory_estimate(width, height) + 3 * spec.source_bytes};
}

std::string unfit_reason(const worker_capabilities& caps, const segment_need& need) {
  const auto& codecs = caps.codecs;
  if (std::find(codecs.begin(), codecs.end(), need.codec) == codecs.end())
    return fmt::format("no {} encoder", need.codec);
  if ((caps.max_width > 0 && need.width > caps.max_width) ||
      (caps.max_height > 0 && need.height > caps.max_height))
    return fmt::format("frames larger than {}x{}", caps.max_width, caps.max_height);
  if (caps.memory_limit > 0) {
    std::int64_t share = caps.memory_limit / std::max(1, caps.workers);
    if (need.memory > share)
      return fmt::format("needs ~{} MiB, a worker may use {} MiB", need.memory >> 20, share >> 20);
  }
  return "";
}

}  // namespace pvenc::actors
