// `pvenc-node worker`: checks the command line (exit 2 with one line on a bad value), then
// serves as a worker node until stopped.
#include <iostream>

#include <spdlog/spdlog.h>

#include "actors/cluster_net.hpp"
#include "actors/cpu_cores.hpp"
#include "actors/job_runner.hpp"
#include "actors/node_runner.hpp"
#include "apps/pvenc_node/commands.hpp"
#include "apps/pvenc_node/signal_watcher.hpp"
#include "config/cluster.hpp"
#include "config/job_loader.hpp"

namespace pvenc::app {
namespace {

// Fills `options` from `args`; returns the problem in one line, or "".
std::string node_options_of(const worker_args& args, actors::node_options& options) {
  auto where = config::parse_endpoint(args.join);
  if (!where || where->host.empty() || where->port == 0)
    return "--join " + args.join + ": expected HOST:PORT, e.g. coordinator.example:7400";
  options.coordinator = *where;
  try {
    options.secret = config::read_secret_file(args.secret_file);
  } catch (const std::exception& e) {
    return std::string("--secret-file ") + e.what();
  }
  auto& caps = options.caps;
  caps.node = args.name.empty() ? actors::default_node_name() : args.name;
  caps.workers = args.workers > 0 ? args.workers : actors::usable_cores();
  caps.threads = args.threads;
  if (!args.memory_limit.empty()) {
    auto bytes = config::parse_byte_size(args.memory_limit);
    if (!bytes || *bytes == 0)
      return "--memory-limit " + args.memory_limit + ": expected a size like 8G or 512M";
    caps.memory_limit = *bytes;
  }
  if (!args.max_resolution.empty()) {
    auto size = config::parse_resolution(args.max_resolution);
    if (!size || size->first < 1 || size->second < 1)
      return "--max-resolution " + args.max_resolution + ": expected WIDTHxHEIGHT, e.g. 1920x1080";
    caps.max_width = size->first;
    caps.max_height = size->second;
  }
  options.once = args.once;
  options.heartbeat = args.heartbeat;
  return "";
}

}  // namespace

int worker_command(const worker_args& args) {
  actors::node_options options;
  std::string problem = node_options_of(args, options);
  if (!problem.empty()) {
    std::cerr << "pvenc-node: " << problem << "\n";
    return actors::exit_bad_input;
  }
  signal_watcher signals;  // before the actor system starts its threads
  options.interrupts = signals.count();
  return actors::run_worker_node(options);
}

}  // namespace pvenc::app
