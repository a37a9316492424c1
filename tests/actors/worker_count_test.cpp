// The default number of local workers: one per core, capped by the available memory.
#include <doctest/doctest.h>

#include "actors/worker_count.hpp"

using namespace pvenc::actors;

TEST_CASE("one worker per core when memory is plentiful or unknown") {
  auto plenty = choose_worker_count(16, std::int64_t{64} << 30, 1920, 1080);
  CHECK(plenty.workers == 16);
  CHECK(plenty.memory_note.empty());
  CHECK(choose_worker_count(8, 0, 3840, 2160).workers == 8);  // unknown: no cap
  CHECK(choose_worker_count(0, 0, 640, 360).workers == 1);
}

TEST_CASE("fewer workers than cores when their encoders would not fit in memory") {
  std::int64_t each_4k = worker_memory_estimate(3840, 2160);
  CHECK(each_4k > 4 * worker_memory_estimate(960, 540) / 2);  // grows with the pixels
  auto four_k = choose_worker_count(64, 8 * each_4k, 3840, 2160);
  CHECK(four_k.workers == 6);  // 75 % of 8 workers' worth
  CHECK(four_k.memory_note.find("6 workers, not 64") != std::string::npos);
  CHECK(four_k.memory_note.find("3840x2160") != std::string::npos);
  CHECK(choose_worker_count(64, each_4k / 4, 3840, 2160).workers == 1);  // never 0
}

TEST_CASE("this machine's available memory is read") {
  std::int64_t bytes = available_memory_bytes();
  CHECK(bytes > (std::int64_t{64} << 20));
}
