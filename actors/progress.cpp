#include "actors/progress.hpp"

#include <chrono>
#include <cstdio>
#include <string>

#include <spdlog/fmt/fmt.h>
#include <nlohmann/json.hpp>

#include "actors/protocol.hpp"

namespace pvenc::actors {
namespace {

using clock_type = std::chrono::steady_clock;
constexpr auto redraw_interval = std::chrono::milliseconds(500);

struct progress_state {
  progress_style style = progress_style::bar;
  std::string phase = "starting";
  progress_update last;
  clock_type::time_point start = clock_type::now();
  clock_type::time_point rate_mark = clock_type::now();
  std::int64_t rate_frames = 0;
  double fps = 0;
  bool drawn = false;
};

double seconds_since(clock_type::time_point t) {
  return std::chrono::duration<double>(clock_type::now() - t).count();
}

std::string clock_text(double s) {
  if (s < 0) return "--:--";
  int total = static_cast<int>(s + 0.5);
  return fmt::format("{:02d}:{:02d}", total / 60, total % 60);
}

void update_rate(progress_state& st) {
  double dt = seconds_since(st.rate_mark);
  if (dt < 1.0) return;
  double current = (st.last.frames_done - st.rate_frames) / dt;
  st.fps = st.fps == 0 ? current : 0.7 * st.fps + 0.3 * current;
  st.rate_mark = clock_type::now();
  st.rate_frames = st.last.frames_done;
}

double percent(const progress_state& st) {
  return st.last.frames_total > 0 ? 100.0 * st.last.frames_done / st.last.frames_total : 0.0;
}

double eta(const progress_state& st) {
  if (st.fps <= 0 || st.phase != "encoding") return -1;
  return (st.last.frames_total - st.last.frames_done) / st.fps;
}

// "workers 2/3", with the nodes when there are worker nodes; "waiting for workers" when no
// connected worker can take what is left.
std::string workers_text(const progress_update& u) {
  std::string text = fmt::format("workers {}/{}", u.workers_busy, u.workers_total);
  if (u.nodes > 0) text += fmt::format(" on {} node{}", u.nodes, u.nodes == 1 ? "" : "s");
  if (u.waiting) text += "  waiting for workers";
  return text;
}

void draw_bar(progress_state& st) {
  constexpr int width = 30;
  int filled = static_cast<int>(percent(st) / 100.0 * width);
  std::string bar(filled, '#');
  bar.resize(width, '-');
  std::string line = fmt::format(
      "\r[{}] {:5.1f}% {:<9} {}/{} frames  seg {}/{}  {}  {:6.1f} fps  {} elapsed  "
      "ETA {}{}",
      bar, percent(st), st.phase, st.last.frames_done, st.last.frames_total, st.last.segments_done,
      st.last.segments_total, workers_text(st.last), st.fps, clock_text(seconds_since(st.start)),
      clock_text(eta(st)),
      st.last.retries ? fmt::format("  retries {}", st.last.retries) : std::string());
  std::fputs(line.c_str(), stderr);
  std::fputs("\x1b[K", stderr);  // clear the rest of the line
  std::fflush(stderr);
  st.drawn = true;
}

void print_json(const progress_state& st) {
  nlohmann::json j = {
      {"phase", st.phase},
      {"percent", std::round(percent(st) * 10) / 10},
      {"frames", st.last.frames_done},
      {"frames_total", st.last.frames_total},
      {"segments_done", st.last.segments_done},
      {"segments_total", st.last.segments_total},
      {"workers_busy", st.last.workers_busy},
      {"workers", st.last.workers_total},
      {"nodes", st.last.nodes},
      {"waiting_for_workers", st.last.waiting},
      {"retries", st.last.retries},
      {"fps", std::round(st.fps * 10) / 10},
      {"elapsed_s", std::round(seconds_since(st.start) * 10) / 10},
      {"eta_s", eta(st) < 0 ? nlohmann::json() : nlohmann::json(std::round(eta(st)))}};
  std::fprintf(stderr, "%s\n", j.dump().c_str());
  std::fflush(stderr);
}

void render(progress_state& st) {
  update_rate(st);
  if (st.style == progress_style::bar) draw_bar(st);
  if (st.style == progress_style::json) print_json(st);
}

caf::behavior progress(caf::stateful_actor<progress_state>* self, progress_style style) {
  self->state.style = style;
  if (style != progress_style::none) self->send(self, pv_tick_atom::value);
  return {
      [=](phase_atom, const std::string& phase) {
        self->state.phase = phase;
        render(self->state);
      },
      [=](progress_atom, const progress_update& update) { self->state.last = update; },
      [=](pv_tick_atom) {
        render(self->state);
        self->delayed_send(self, redraw_interval, pv_tick_atom::value);
      },
      [=](finish_atom) {
        render(self->state);
        if (self->state.drawn) std::fputs("\n", stderr);
        self->quit();
        return true;
      },
  };
}

}  // namespace

caf::actor spawn_progress(caf::actor_system& system, progress_style style) {
  return system.spawn(progress, style);
}

}  // namespace pvenc::actors
