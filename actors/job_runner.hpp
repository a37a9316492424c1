// Runs one job in this process: starts the actor system and the actors, drives the phases
// (analyzing, segmenting, encoding, muxing) and returns everything the report needs.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "actors/messages.hpp"
#include "actors/progress.hpp"
#include "config/job.hpp"

namespace pvenc::actors {

// Exit codes of `pvenc-node run` (documented in README.md).
enum exit_code : int {
  exit_ok = 0,
  exit_failed = 1,         // a failure during the work (a segment failed every attempt, I/O, ...)
  exit_bad_input = 2,      // a bad job or input found before any work started
  exit_interrupted = 130,  // stopped by Ctrl-C / SIGTERM; finished segments kept for --resume
};

struct run_options {
  progress_style progress = progress_style::bar;
  int workers_override = 0;  // --workers, 0: the job's
  bool resume = false;       // --resume: use the finished segments of the work directory
  bool keep_work = false;    // --keep-work: keep the work directory after success
  std::string work_dir;      // --work-dir; "": ".NAME.pvenc-work" beside the output
  // Incremented once per Ctrl-C by the caller: 1 = finish the segments in progress and stop,
  // 2 = stop now. May be null.
  std::shared_ptr<std::atomic<int>> interrupts;
};

struct job_outcome {
  int exit_code = exit_failed;
  std::string error;  // one line, empty on success
  codecs::media_info input;
  segment_plan plan;
  scene_info scenes;  // the analyzer's scene detection (empty when off)
  job_summary summary;
  mux_result mux;
  codecs::video_encode_settings settings;  // as used for first attempts
  int workers = 0;                         // local workers
  int threads = 1;                         // encoder threads of each local worker
  double elapsed_s = 0;
  std::string work_dir;  // where finished segments are kept ("" if none was made)
  int listen_port = 0;   // where worker nodes joined (cluster.listen), 0 if not listening
  int resumed_segments = 0;
  // Wall seconds of each phase that ran, in order ("analyzing", "segmenting", "encoding",
  // "muxing"): where the time went.
  std::vector<std::pair<std::string, double>> phase_seconds;
};

job_outcome run_job(const config::job& job, const run_options& options);

// The video settings a job asks for (before any retry lowers them).
codecs::video_encode_settings video_settings_of(const config::job& job);

}  // namespace pvenc::actors
