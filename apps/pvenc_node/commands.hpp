// The subcommands of pvenc-node. Each returns the process exit code.
#pragma once

#include <string>

namespace pvenc::app {

struct run_args {
  std::string job_file;
  std::string report_file;  // "" : no report
  std::string progress = "auto";
  int workers = 0;  // 0: the job's
  bool resume = false;
  bool keep_work = false;
  std::string work_dir;
};

int run_command(const run_args& args);
int probe_command(const std::string& path);
int presets_command();

}  // namespace pvenc::app
