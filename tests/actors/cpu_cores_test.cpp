// The cores pvenc may use: affinity mask and cgroup v2 CPU quota.
#include <doctest/doctest.h>

#include <thread>

#include "actors/cpu_cores.hpp"

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

TEST_CASE("the usable cores are at least 1 and no more than the machine has") {
  int cores = usable_cores();
  CHECK(cores >= 1);
  CHECK(cores <= static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}
