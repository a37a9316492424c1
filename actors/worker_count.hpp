// How many local workers a job gets when neither workers.count nor --workers says: one per
// core, fewer where the machine's available memory would not hold that many encoders at the
// output's frame size (a 64-core machine encoding 4K would otherwise swap or be killed).
#pragma once

#include <cstdint>
#include <string>

namespace pvenc::actors {

struct worker_count_choice {
  int workers = 1;
  std::string memory_note;  // why fewer than the cores; "" when the cores decided
};

// Bytes one local worker (decoder, encoder with its look-ahead and references, source packets
// read ahead) needs for `width`x`height` output, estimated from measurements (see .cpp). The
// one memory model: worker_fit's segment need on worker nodes builds on it too.
std::int64_t worker_memory_estimate(int width, int height);

// One worker per `cores_per_worker` cores (see cores_per_worker below), fewer where memory
// would not hold them. `available_bytes` 0 means unknown (no cap).
worker_count_choice choose_worker_count(int cores, std::int64_t available_bytes, int width,
                                        int height, int cores_per_worker = 1);

// The cores a worker gets by default for `codec`: more than one only where one encoder's own
// threads use them at least as well as as many single-thread encoders of separate segments
// do. Measured on 2 cores, 720p, `medium`, pvenc 1 x 2 (10 s segments) against 2 x 1:
// x265 1.00x / 0.90x ffmpeg on c720 (its own threads 94 % of the limit, two single-thread
// x265 at once 89 %); SVT-AV1 1.24x / 1.24x on c720, 1.24x / 1.11x on c720s, with a quarter
// less memory. x264 0.95x / 1.10x and VP9 0.98x / 1.07x: 1.
int cores_per_worker(const std::string& codec);

// The local workers a job runs and each one's encoder threads.
struct worker_shape {
  int workers = 1;
  int threads = 1;
};

struct shape_request {
  int cores = 1;
  int workers = 1;  // as given, or choose_worker_count's
  bool count_given = false;
  int threads = 0;                   // workers.threads; 0: not given
  int segments = 1;                  // segments to encode
  std::int64_t available_bytes = 0;  // 0: unknown
  int width = 0;                     // output frame size
  int height = 0;
};

// A chosen worker count is lowered to the segments to encode (more workers would only wait);
// a given one is kept. Threads not given: the cores shared out among the workers (at most
// max_threads_per_worker, and no more than the available memory holds), so that cores the
// workers leave over (memory cap, a short video) still encode. Measured on 2 cores, one
// 40-frame 720p segment (x264 medium): 1 worker x 2 threads 2.1-2.3 s, 2 x 1 2.9-3.1 s.
constexpr int max_threads_per_worker = 16;
worker_shape choose_worker_shape(const shape_request& request);

// MemAvailable of /proc/meminfo in bytes; 0 if it cannot be read.
std::int64_t available_memory_bytes();

}  // namespace pvenc::actors
