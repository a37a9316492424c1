#include "actors/node_runner.hpp"

#include <chrono>
#include <thread>

#include <spdlog/spdlog.h>
#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "actors/cluster_net.hpp"
#include "actors/error_text.hpp"
#include "actors/job_runner.hpp"
#include "actors/node_agent.hpp"
#include "actors/protocol.hpp"
#include "actors/scheduler_config.hpp"
#include "codecs/encoder_table.hpp"
#include "codecs/video_encoder.hpp"
#include "config/formats.hpp"

namespace pvenc::actors {
namespace {

constexpr auto poll_interval = std::chrono::milliseconds(100);
constexpr auto reconnect_delay = std::chrono::seconds(1);

bool interrupted(const node_options& o) {
  return o.interrupts && o.interrupts->load() > 0;
}

// Sleeps `delay`, waking early when interrupted.
void pause(const node_options& o, std::chrono::milliseconds delay) {
  for (auto slept = std::chrono::milliseconds(0); slept < delay && !interrupted(o);
       slept += poll_interval)
    std::this_thread::sleep_for(poll_interval);
}

// Waits until `agent` exits; tells it to leave when interrupted.
void serve(caf::scoped_actor& self, const node_options& o, const caf::actor& agent) {
  self->monitor(agent);
  bool down = false;
  bool told = false;
  while (!down) {
    self->receive([&](caf::down_msg&) { down = true; },
                  caf::after(poll_interval) >>
                      [&] {
                        if (interrupted(o) && !told) {
                          self->send_exit(agent, caf::exit_reason::user_shutdown);
                          told = true;
                        }
                      });
  }
}

}  // namespace

void find_encoders(worker_capabilities& caps) {
  auto available = codecs::available_encoders();
  auto has = [&](const std::string& e) {
    return std::find(available.begin(), available.end(), e) != available.end();
  };
  caps.codecs.clear();
  caps.hardware_encoders.clear();
  for (const auto& codec : config::video_codec_names()) {
    for (const auto& entry : codecs::encoder_candidates(codec, false))
      if (!entry.hardware && has(entry.encoder)) {
        caps.codecs.push_back(codec);
        break;
      }
    if (codecs::hardware_encoder_available(codec)) caps.hardware_encoders.push_back(codec);
  }
}

int run_worker_node(const node_options& options) {
  caf::actor_system_config cfg;
  register_message_types(cfg);
  configure_scheduler(cfg);
  enable_cluster_networking(cfg, options.heartbeat);
  caf::actor_system system{cfg};
  worker_capabilities caps = options.caps;
  find_encoders(caps);
  const auto& where = options.coordinator;
  std::string address = where.host + ":" + std::to_string(where.port);
  spdlog::info("worker node {}: {} workers, encoders: {}", caps.node, caps.workers,
               fmt::join(caps.codecs, " "));
  int exit = exit_ok;
  bool said_waiting = false;
  {
    caf::scoped_actor self{system};
    while (!interrupted(options)) {
      auto gatekeeper =
          system.middleman().remote_actor(where.host, static_cast<std::uint16_t>(where.port));
      if (!gatekeeper) {
        if (!said_waiting)
          spdlog::warn("waiting for the coordinator at {} ({})", address,
                       describe(gatekeeper.error()));
        said_waiting = true;
        pause(options, reconnect_delay);
        continue;
      }
      said_waiting = false;
      auto session = std::make_shared<node_session>();
      serve(self, options, spawn_node_agent(system, *gatekeeper, options.secret, caps, session));
      if (!session->refused.empty()) {
        spdlog::error("{}: {}", address, session->refused);
        exit = exit_bad_input;
        break;
      }
      if (session->closed) {
        pause(options, reconnect_delay);  // the next job has not started yet
        continue;
      }
      if (session->job_done) {
        spdlog::info("the job at {} is finished", address);
        if (options.once) break;
      } else if (session->admitted && !interrupted(options)) {
        spdlog::warn("lost the coordinator at {}; reconnecting", address);
      }
      pause(options, reconnect_delay);
    }
  }
  return exit;
}

}  // namespace pvenc::actors
