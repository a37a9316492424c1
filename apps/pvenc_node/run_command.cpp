#include <unistd.h>

#include <fstream>
#include <iostream>

#include <spdlog/spdlog.h>

#include "actors/job_runner.hpp"
#include "apps/pvenc_node/commands.hpp"
#include "apps/pvenc_node/report.hpp"
#include "apps/pvenc_node/signal_watcher.hpp"
#include "codecs/media_probe.hpp"
#include "config/job_loader.hpp"

namespace pvenc::app {
namespace {

actors::progress_style style_of(const std::string& name) {
  if (name == "bar") return actors::progress_style::bar;
  if (name == "json") return actors::progress_style::json;
  if (name == "none") return actors::progress_style::none;
  return isatty(STDERR_FILENO) ? actors::progress_style::bar : actors::progress_style::json;
}

bool write_report(const std::string& path, const nlohmann::json& report) {
  std::ofstream out(path);
  out << report.dump(2) << "\n";
  if (!out) {
    spdlog::error("cannot write the report {}", path);
    return false;
  }
  return true;
}

}  // namespace

int run_command(const run_args& args) {
  config::job job;
  try {
    job = config::load_job(args.job_file);
  } catch (const config::job_error& e) {
    std::cerr << "pvenc-node: " << e.what() << "\n";
    return actors::exit_bad_input;
  }
  signal_watcher signals;  // before the actor system starts its threads
  actors::run_options options;
  options.progress = style_of(args.progress);
  options.workers_override = args.workers;
  options.resume = args.resume;
  options.keep_work = args.keep_work;
  options.work_dir = args.work_dir;
  options.interrupts = signals.count();
  actors::job_outcome outcome = actors::run_job(job, options);

  std::unique_ptr<codecs::media_info> output;
  if (outcome.exit_code == actors::exit_ok) {
    try {
      output = std::make_unique<codecs::media_info>(codecs::probe_media(job.output.path));
    } catch (const std::exception& e) {
      spdlog::warn("cannot read the output back: {}", e.what());
    }
  }
  if (!args.report_file.empty() &&
      !write_report(args.report_file, make_report(job, outcome, output.get())) &&
      outcome.exit_code == actors::exit_ok)
    return actors::exit_failed;

  if (outcome.exit_code != actors::exit_ok) {
    std::cerr << "pvenc-node: " << outcome.error << "\n";
    return outcome.exit_code;
  }
  std::int64_t frames = output ? output->video.frame_count : 0;
  std::cerr << "pvenc-node: wrote " << job.output.path << ": " << frames << " frames, "
            << outcome.mux.bytes << " bytes in " << outcome.elapsed_s << " s ("
            << (outcome.elapsed_s > 0 ? frames / outcome.elapsed_s : 0) << " fps, "
            << outcome.summary.encoder << ", " << outcome.workers << " workers, "
            << outcome.plan.segments.size() << " segments";
  if (outcome.resumed_segments > 0) std::cerr << ", " << outcome.resumed_segments << " resumed";
  std::cerr << ", " << outcome.summary.retries << " retries)\n";
  return actors::exit_ok;
}

}  // namespace pvenc::app
