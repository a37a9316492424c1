// The CPU cores this process may use: the CPUs of its affinity mask (taskset, cpusets), or
// fewer where a cgroup v2 CPU quota allows less (docker --cpus, systemd CPUQuota). Worker and
// thread counts are chosen from this, not from the CPUs the machine has.
#pragma once

#include <optional>
#include <string>

namespace pvenc::actors {

// At least 1.
int usable_cores();

// The cores a cgroup v2 `cpu.max` text ("QUOTA PERIOD" or "max PERIOD") allows, rounded up;
// nullopt when it sets no limit or cannot be read.
std::optional<int> cores_of_cpu_max(const std::string& text);

// The tightest quota of the cgroup v2 that `proc_cgroup` (the text of /proc/self/cgroup) names
// in its "0::PATH" line, and of its parents up to the root: the cpu.max files under
// `cgroup_root` (/sys/fs/cgroup). nullopt when none sets a limit.
std::optional<int> cgroup_quota_cores(const std::string& proc_cgroup,
                                      const std::string& cgroup_root);

}  // namespace pvenc::actors
