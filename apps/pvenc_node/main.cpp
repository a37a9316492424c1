// pvenc-node: the command line of pvenc. `run` encodes a job (and coordinates worker nodes
// with --listen), `worker` serves a coordinator as a worker node, `probe` describes a file,
// `presets` lists the presets and the encoders of this FFmpeg build.
#include <unistd.h>

#include <cstdlib>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "apps/pvenc_node/commands.hpp"

extern "C" {
#include <libavutil/log.h>
}

int main(int argc, char** argv) {
  CLI::App app{"pvenc-node: a parallel video encoder (segments encoded by actors, in parallel)"};
  app.set_version_flag("--version", std::string("pvenc-node ") + PVENC_VERSION);
  app.require_subcommand(1);
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error|off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));

  pvenc::app::run_args run;
  auto* run_cmd = app.add_subcommand("run", "encode the job described in a TOML job file");
  run_cmd->add_option("job", run.job_file, "the job file")->required();
  run_cmd->add_option("--report", run.report_file, "write a JSON report to this file");
  run_cmd->add_option("--report-html", run.report_html_file,
                      "write the report as a self-contained HTML page to this file");
  run_cmd->add_option("--progress", run.progress, "auto|bar|json|none (auto: bar on a terminal)")
      ->check(CLI::IsMember({"auto", "bar", "json", "none"}));
  run_cmd->add_option("--workers", run.workers, "encoder workers (overrides workers.count)")
      ->check(CLI::Range(1, 256));
  run_cmd->add_flag("--resume", run.resume,
                    "use the finished segments of an earlier, interrupted run of this job");
  run_cmd->add_flag("--keep-work", run.keep_work, "keep the work directory after success");
  run_cmd->add_option("--work-dir", run.work_dir,
                      "where finished segments are kept (default: .NAME.pvenc-work beside the "
                      "output)");
  run_cmd->add_option("--listen", run.listen,
                      "HOST:PORT to accept worker nodes on (overrides cluster.listen)");
  run_cmd->add_option("--secret-file", run.secret_file,
                      "the cluster secret (overrides cluster.secret_file)");
  run_cmd->add_option("--log-level", log_level, "trace|debug|info|warn|error|off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));

  pvenc::app::worker_args worker;
  auto* worker_cmd = app.add_subcommand(
      "worker", "serve a coordinator (pvenc-node run --listen) as a worker node, job after job");
  worker_cmd->add_option("--join", worker.join, "the coordinator's HOST:PORT")->required();
  worker_cmd->add_option("--secret-file", worker.secret_file, "the cluster secret")->required();
  worker_cmd
      ->add_option("--workers", worker.workers, "encoder workers (default: one per usable core)")
      ->check(CLI::Range(1, 256));
  worker_cmd
      ->add_option("--threads", worker.threads,
                   "encoder threads per worker (default: the job's workers.threads, else 1)")
      ->check(CLI::Range(1, 64));
  worker_cmd->add_option("--name", worker.name, "this node's name in reports (default: host:pid)");
  worker_cmd->add_option("--memory-limit", worker.memory_limit,
                         "memory all workers may use together, e.g. 8G (default: no limit)");
  worker_cmd->add_option("--max-resolution", worker.max_resolution,
                         "largest frame accepted, e.g. 1920x1080 (default: any)");
  worker_cmd->add_option("--heartbeat", worker.heartbeat, "seconds between heartbeats")
      ->check(CLI::Range(0.1, 60.0));
  worker_cmd->add_flag("--once", worker.once, "leave after one job");
  worker_cmd->add_option("--log-level", log_level, "trace|debug|info|warn|error|off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));

  std::string probe_path;
  auto* probe_cmd = app.add_subcommand("probe", "print the analyzer's findings on a file as JSON");
  probe_cmd->add_option("file", probe_path, "a media file or lavfi:<graph>")->required();

  auto* presets_cmd = app.add_subcommand("presets", "list presets and available encoders");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  auto logger = spdlog::stderr_color_mt("pvenc");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(log_level));
  // On a terminal a log line first clears the progress bar's line; the bar redraws below it.
  spdlog::set_pattern(isatty(STDERR_FILENO) ? "\r\x1b[K%^%l%$: %v" : "%^%l%$: %v");
  // FFmpeg's own lines only on request: pvenc reports every failure itself, in one line.
  bool verbose = log_level == "trace" || log_level == "debug";
  av_log_set_level(verbose ? AV_LOG_INFO : log_level == "info" ? AV_LOG_ERROR : AV_LOG_FATAL);
  setenv("SVT_LOG", verbose ? "3" : "1", 0);  // SVT-AV1 logs to stdout unless told not to

  if (*run_cmd) return pvenc::app::run_command(run);
  if (*worker_cmd) return pvenc::app::worker_command(worker);
  if (*probe_cmd) return pvenc::app::probe_command(probe_path);
  if (*presets_cmd) return pvenc::app::presets_command();
  return 2;
}
