#include "actors/cpu_cores.hpp"

#include <sched.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>

namespace pvenc::actors {

namespace {

// CPUs in this process's affinity mask; 0 if it cannot be read.
int affinity_cores() {
  constexpr int max_cpus = 8192;
  cpu_set_t* set = CPU_ALLOC(max_cpus);
  if (set == nullptr) return 0;
  std::size_t size = CPU_ALLOC_SIZE(max_cpus);
  CPU_ZERO_S(size, set);
  int count = sched_getaffinity(0, size, set) == 0 ? CPU_COUNT_S(size, set) : 0;
  CPU_FREE(set);
  return count;
}

}  // namespace

std::optional<int> cores_of_cpu_max(const std::string& text) {
  std::istringstream in(text);
  std::string quota;
  double period = 0;
  if (!(in >> quota >> period) || quota == "max" || period <= 0) return std::nullopt;
  char* end = nullptr;
  double q = std::strtod(quota.c_str(), &end);
  if (end == quota.c_str() || *end != '\0' || q <= 0) return std::nullopt;
  return std::max(1, static_cast<int>(std::ceil(q / period)));
}

std::optional<int> cgroup_quota_cores(const std::string& proc_cgroup,
                                      const std::string& cgroup_root) {
  std::istringstream lines(proc_cgroup);
  std::string line, path;
  while (std::getline(lines, line))
    if (line.rfind("0::", 0) == 0) path = line.substr(3);
  if (path.empty()) return std::nullopt;
  std::optional<int> tightest;
  for (;;) {
    if (path == "/") path.clear();
    std::ifstream file(cgroup_root + path + "/cpu.max");
    std::stringstream text;
    text << file.rdbuf();
    if (auto cores = cores_of_cpu_max(text.str()); cores && (!tightest || *cores < *tightest))
      tightest = cores;
    auto slash = path.rfind('/');
    if (path.empty() || slash == std::string::npos) return tightest;
    path.erase(slash);
  }
}

int usable_cores() {
  int cores = affinity_cores();
  if (cores <= 0) cores = static_cast<int>(std::thread::hardware_concurrency());
  std::ifstream proc("/proc/self/cgroup");
  std::stringstream cgroups;
  cgroups << proc.rdbuf();
  if (auto quota = cgroup_quota_cores(cgroups.str(), "/sys/fs/cgroup"))
    cores = std::min(cores, *quota);
  return std::max(1, cores);
}

}  // namespace pvenc::actors
