// The job a user describes in a TOML file, after validation. Every field holds a valid value:
// code that receives a `job` may trust it (validation lives in job_loader.cpp only).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pvenc::config {

enum class rate_mode { crf, bitrate };

struct input_section {
  std::string path;  // a file, or "lavfi:<filtergraph>"
};

struct output_section {
  std::string path;       // container chosen from the extension (.mp4, .mkv, .webm)
  bool overwrite = true;  // false: an existing output is an error before any work
};

struct video_section {
  std::string codec = "h264";  // h264 | h265 | vp9 | av1
  rate_mode mode = rate_mode::crf;
  int crf = 23;                  // used when mode == crf (also set from `quality`)
  std::int64_t bitrate = 0;      // bits/s, used when mode == bitrate
  std::string speed = "medium";  // x264 preset names, mapped for the other encoders
  int width = 0;                 // 0: the source's
  int height = 0;
  int frame_rate_num = 0;  // 0/0: the source's timestamps (VFR stays VFR)
  int frame_rate_den = 0;
  bool gpu = false;
  // Target-quality mode (video.target_ssim / target_psnr): each segment gets the highest CRF
  // in crf_min..crf_max whose output reaches `target`. "" : off.
  std::string target_metric;  // "ssim" | "psnr"
  double target = 0;
  int crf_min = 0;
  int crf_max = 51;  // set to the codec's maximum when not given
};

struct audio_section {
  std::string codec = "aac";      // aac | opus | copy | none
  std::int64_t bitrate = 128000;  // bits/s
};

struct segments_section {
  double duration = 10.0;      // seconds, target length of a segment (when no scene cut comes)
  double min_duration = 2.0;   // seconds, no segment shorter (except a whole short video)
  double max_duration = 20.0;  // seconds, no segment longer (default: 2 x duration)
  // Cut at scene changes (and force keyframes at them). Given as true, false or "auto" (the
  // default, resolved by the loader from the video settings; scene_detect_auto says so).
  bool scene_detect = true;
  bool scene_detect_auto = true;
  // Whether duration / min_duration / max_duration were given: if not, a short video gets
  // shorter segments (enough for every worker, see job_runner.cpp).
  bool duration_given = false;
  bool min_duration_given = false;
  bool max_duration_given = false;
  // When a worker runs out of segments, cut the running segment with the most work left and
  // give the rest to it. The cut points then depend on timing: false for byte-identical reruns.
  bool rebalance = true;
};

// Quality measured in the workers against the source frames ([metrics]).
struct metrics_section {
  bool psnr = false;
  bool ssim = false;
};

struct workers_section {
  int count = -1;   // encoder workers in this process; -1 = one per CPU core; 0 = none (only
                    // with cluster.listen: every segment goes to worker nodes)
  int threads = 0;  // encoder threads per local worker; 0 = the cores shared out among the
                    // workers in use (see actors/worker_count.hpp)
};

struct retry_section {
  int max_attempts = 3;        // attempts per segment, the first included
  int crf_step = 4;            // CRF added per retry (bitrate mode: 20 % less per retry)
  double segment_timeout = 0;  // seconds; 0 = derived from the segment's length
};

// Failure drills: real failures injected on purpose, for tests and rehearsals.
struct faults_section {
  std::vector<int> fail_segments;   // these segments' encodes return an error ...
  int fail_attempts = 1;            // ... on their first N attempts
  std::vector<int> crash_segments;  // the worker dies while encoding these (first attempt)
  std::vector<int> stall_segments;  // the worker hangs on these (first attempt)
};

// Clustered encoding: this process coordinates and worker nodes join it (docs/cluster.md).
struct cluster_section {
  std::string listen;             // "host:port" to accept worker nodes on; "" = no clustering
  std::string secret_file;        // required with listen
  std::string secret;             // the file's content; never logged or reported
  double heartbeat = 1.0;         // seconds between heartbeats; 5 missed = the node is gone
  double wait_for_workers = 120;  // seconds a job waits while no worker can take its segments
};

struct job {
  std::string source;  // the job file's path (for messages)
  std::string preset;  // "" or fast | balanced | quality | 4k
  input_section input;
  output_section output;
  video_section video;
  audio_section audio;
  segments_section segments;
  metrics_section metrics;
  workers_section workers;
  retry_section retry;
  faults_section faults;
  cluster_section cluster;
};

}  // namespace pvenc::config
