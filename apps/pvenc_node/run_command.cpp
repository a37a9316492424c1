#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>

#include <spdlog/spdlog.h>

#include "actors/job_runner.hpp"
#include "apps/pvenc_node/commands.hpp"
#include "apps/pvenc_node/report.hpp"
#include "apps/pvenc_node/report_html.hpp"
#include "apps/pvenc_node/signal_watcher.hpp"
#include "codecs/media_probe.hpp"
#include "config/cluster.hpp"
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

// Writes PATH.tmp and renames it to `path`, so a reader never sees a half-written page.
bool write_html_report(const std::string& path, const nlohmann::json& report) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << render_html_report(report);
    out.close();
    if (!out) {
      spdlog::error("cannot write the HTML report {}", tmp);
      std::remove(tmp.c_str());
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    spdlog::error("cannot rename {} to {}", tmp, path);
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

// "2 workers", or "1 local + 4 remote workers on 2 nodes".
std::string workers_text(const actors::job_outcome& outcome) {
  int remote = 0;
  std::set<std::string> nodes;
  for (const auto& w : outcome.summary.workers)
    if (w.remote) ++remote, nodes.insert(w.node);
  std::string threads =
      outcome.threads > 1 ? " x " + std::to_string(outcome.threads) + " threads" : "";
  if (remote == 0)
    return std::to_string(outcome.workers) + (outcome.workers == 1 ? " worker" : " workers") +
           threads;
  return std::to_string(outcome.workers) + threads + " local + " + std::to_string(remote) +
         (remote == 1 ? " remote worker on " : " remote workers on ") +
         std::to_string(nodes.size()) + (nodes.size() == 1 ? " node" : " nodes");
}

// --listen and --secret-file override the job's [cluster] section; returns a problem or "".
std::string apply_cluster_options(const run_args& args, config::job& job) {
  auto& cluster = job.cluster;
  if (!args.listen.empty()) {
    if (!config::parse_endpoint(args.listen))
      return "--listen " + args.listen + ": expected HOST:PORT, e.g. 0.0.0.0:7400";
    cluster.listen = args.listen;
  }
  if (!args.secret_file.empty()) {
    try {
      cluster.secret = config::read_secret_file(args.secret_file);
    } catch (const std::exception& e) {
      return std::string("--secret-file ") + e.what();
    }
    cluster.secret_file = args.secret_file;
  }
  if (!cluster.listen.empty() && cluster.secret.empty())
    return "--listen needs --secret-file (or cluster.secret_file): only nodes holding the "
           "secret may join";
  if (job.workers.count == 0 && cluster.listen.empty())
    return "workers.count = 0 needs --listen (worker nodes to encode)";
  return "";
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
  std::string problem = apply_cluster_options(args, job);
  if (!problem.empty()) {
    std::cerr << "pvenc-node: " << problem << "\n";
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
  if (!args.report_file.empty() || !args.report_html_file.empty()) {
    nlohmann::json report = make_report(job, outcome, output.get());
    bool written = args.report_file.empty() || write_report(args.report_file, report);
    written = (args.report_html_file.empty() || write_html_report(args.report_html_file, report)) &&
              written;
    if (!written && outcome.exit_code == actors::exit_ok) return actors::exit_failed;
  }

  if (outcome.exit_code != actors::exit_ok) {
    std::cerr << "pvenc-node: " << outcome.error << "\n";
    return outcome.exit_code;
  }
  std::int64_t frames = output ? output->video.frame_count : 0;
  std::cerr << "pvenc-node: wrote " << job.output.path << ": " << frames << " frames, "
            << outcome.mux.bytes << " bytes in " << outcome.elapsed_s << " s ("
            << (outcome.elapsed_s > 0 ? frames / outcome.elapsed_s : 0) << " fps, "
            << outcome.summary.encoder << ", " << workers_text(outcome) << ", "
            << outcome.summary.segments.size()
            << (outcome.summary.segments.size() == 1 ? " segment" : " segments");
  auto plan_size = outcome.plan.segments.size();
  if (outcome.summary.segments.size() > plan_size)
    std::cerr << " (" << outcome.summary.segments.size() - plan_size
              << " cut off for idle workers)";
  if (outcome.resumed_segments > 0) std::cerr << ", " << outcome.resumed_segments << " resumed";
  std::cerr << ", " << outcome.summary.retries << " retries)\n";
  return actors::exit_ok;
}

}  // namespace pvenc::app
