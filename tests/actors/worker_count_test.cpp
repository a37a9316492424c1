// The default number of local workers: one per core (two for x265), capped by the available
// memory.
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

TEST_CASE("x265 and SVT-AV1 workers get two cores each; x264 and VP9 one") {
  CHECK(cores_per_worker("h265") == 2);
  CHECK(cores_per_worker("av1") == 2);
  for (const char* codec : {"h264", "vp9"}) CHECK(cores_per_worker(codec) == 1);
  CHECK(choose_worker_count(16, 0, 1280, 720, cores_per_worker("h265")).workers == 8);
  CHECK(choose_worker_count(3, 0, 1280, 720, 2).workers == 1);
  CHECK(choose_worker_count(1, 0, 1280, 720, 2).workers == 1);  // never 0
  // Then each worker's threads share out the cores: 2 each.
  shape_request r;
  r.cores = 16;
  r.workers = 8;
  r.segments = 40;
  CHECK(choose_worker_shape(r).threads == 2);
  auto capped = choose_worker_count(64, 8 * worker_memory_estimate(3840, 2160), 3840, 2160, 2);
  CHECK(capped.memory_note.find("6 workers, not 32") != std::string::npos);
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

namespace {
shape_request request(int cores, int workers, bool count_given, int threads, int segments) {
  shape_request r;
  r.cores = cores;
  r.workers = workers;
  r.count_given = count_given;
  r.threads = threads;
  r.segments = segments;
  r.width = 1280;
  r.height = 720;
  return r;  // available memory unknown: no cap
}
}  // namespace

TEST_CASE("a chosen worker count is lowered to the segments, and the cores become threads") {
  // 16 cores, a 5-segment video, nothing set: 5 workers of 3 threads.
  auto short_video = choose_worker_shape(request(16, 16, false, 0, 5));
  CHECK(short_video.workers == 5);
  CHECK(short_video.threads == 3);
  // A long video: one single-thread worker per core.
  auto long_video = choose_worker_shape(request(16, 16, false, 0, 40));
  CHECK(long_video.workers == 16);
  CHECK(long_video.threads == 1);
  // Memory allowed 6 workers on 64 cores: the other cores are shared out as threads.
  auto capped = choose_worker_shape(request(64, 6, false, 0, 100));
  CHECK(capped.workers == 6);
  CHECK(capped.threads == 10);
  // One segment on 64 cores: one worker, threads capped.
  CHECK(choose_worker_shape(request(64, 64, false, 0, 1)).threads == max_threads_per_worker);
  CHECK(choose_worker_shape(request(2, 2, false, 0, 0)).workers == 1);  // never 0 when chosen
}

TEST_CASE("threads are added only as far as the available memory holds them") {
  shape_request r = request(64, 6, false, 0, 100);
  r.width = 3840;
  r.height = 2160;
  std::int64_t each = worker_memory_estimate(3840, 2160);
  r.available_bytes = 10 * each;  // 75 % of it holds 7.5 workers; 6 run
  auto shape = choose_worker_shape(r);
  CHECK(shape.workers == 6);
  CHECK(shape.threads > 1);      // room for some threads
  CHECK(shape.threads < 10);     // but not for the 10 the cores would give
  r.available_bytes = 8 * each;  // 75 % holds the 6 workers and nothing more
  CHECK(choose_worker_shape(r).threads == 1);
  r.available_bytes = std::int64_t{1} << 40;  // plenty
  CHECK(choose_worker_shape(r).threads == 10);
}

TEST_CASE("a given worker count or thread count is kept") {
  auto count_given = choose_worker_shape(request(16, 4, true, 0, 1));
  CHECK(count_given.workers == 4);  // the user asked for 4, even for 1 segment
  CHECK(count_given.threads == 4);  // the cores shared among them
  CHECK(choose_worker_shape(request(16, 16, false, 1, 5)).threads == 1);
  CHECK(choose_worker_shape(request(2, 8, true, 0, 20)).threads == 1);  // more than the cores
  CHECK(choose_worker_shape(request(8, 0, true, 0, 20)).workers == 0);  // only worker nodes
}
