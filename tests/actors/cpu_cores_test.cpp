// The cores pvenc may use: affinity mask and cgroup v2 CPU quota.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "actors/cpu_cores.hpp"
#include "tests/codecs/media_util.hpp"

using namespace pvenc::actors;

TEST_CASE("a cgroup cpu.max quota is read as cores, rounded up") {
  CHECK(cores_of_cpu_max("200000 100000\n") == 2);
  CHECK(cores_of_cpu_max("150000 100000") == 2);  // 1.5 cores: both are used
  CHECK(cores_of_cpu_max("50000 100000") == 1);
  CHECK_FALSE(cores_of_cpu_max("max 100000\n").has_value());  // no limit
  CHECK_FALSE(cores_of_cpu_max("").has_value());              // no such file
  CHECK_FALSE(cores_of_cpu_max("garbage").has_value());
  CHECK_FALSE(cores_of_cpu_max("12x 100000").has_value());
}

TEST_CASE("the cgroup quota is the tightest cpu.max of the process's cgroup and its parents") {
  pvenc::test::temp_dir root;
  auto write_cpu_max = [&](const std::string& dir, const std::string& text) {
    std::filesystem::create_directories(root.path() + dir);
    std::ofstream(root.path() + dir + "/cpu.max") << text;
  };
  write_cpu_max("", "max 100000\n");  // the root has none in practice; a limit there counts too
  write_cpu_max("/machine.slice", "400000 100000\n");
  write_cpu_max("/machine.slice/box", "max 100000\n");
  std::filesystem::create_directories(root.path() + "/machine.slice/box/inner");  // no cpu.max

  const std::string in_box = "0::/machine.slice/box/inner\n";
  CHECK(cgroup_quota_cores(in_box, root.path()) == 4);  // a parent's limit binds the child
  write_cpu_max("/machine.slice/box/inner", "150000 100000\n");
  CHECK(cgroup_quota_cores(in_box, root.path()) == 2);  // the tighter one wins
  // cgroup v1 lines are ignored; no v2 line, a bare "0::/" or a path without '/' read as no limit
  CHECK_FALSE(cgroup_quota_cores("4:cpu,cpuacct:/machine.slice\n", root.path()).has_value());
  CHECK_FALSE(cgroup_quota_cores("0::/\n", root.path()).has_value());
  CHECK_FALSE(cgroup_quota_cores("0::weird\n", root.path()).has_value());
  CHECK_FALSE(cgroup_quota_cores(in_box, root.path() + "/missing").has_value());
}

TEST_CASE("the usable cores are at least 1 and no more than the machine has") {
  int cores = usable_cores();
  CHECK(cores >= 1);
  CHECK(cores <= static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}
