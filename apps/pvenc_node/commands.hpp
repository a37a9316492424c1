// The subcommands of pvenc-node. Each returns the process exit code.
#pragma once

#include <string>

namespace pvenc::app {

struct run_args {
  std::string job_file;
  std::string report_file;       // "" : no report
  std::string report_html_file;  // "" : no HTML report
  std::string progress = "auto";
  int workers = 0;  // 0: the job's
  bool resume = false;
  bool keep_work = false;
  std::string work_dir;
  std::string listen;       // --listen: overrides cluster.listen
  std::string secret_file;  // --secret-file: overrides cluster.secret_file
};

struct worker_args {
  std::string join;  // coordinator HOST:PORT
  std::string secret_file;
  std::string name;            // "" : host:pid
  int workers = 0;             // 0: one per CPU core
  int threads = 0;             // 0: as each job says
  std::string memory_limit;    // "8G"; "" : none
  std::string max_resolution;  // "1920x1080"; "" : any
  double heartbeat = 1.0;
  bool once = false;
};

int run_command(const run_args& args);
int worker_command(const worker_args& args);
int probe_command(const std::string& path);
int presets_command();

}  // namespace pvenc::app
