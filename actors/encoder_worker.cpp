#include "actors/encoder_worker.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include <spdlog/spdlog.h>

#include "actors/protocol.hpp"
#include "codecs/av_error.hpp"
#include "codecs/quality_search.hpp"

namespace pvenc::actors {
namespace {

using clock_type = std::chrono::steady_clock;
constexpr auto progress_interval = std::chrono::milliseconds(250);

// Disarms a segment_end when the encode is over, however it ends.
struct disarm_on_exit {
  codecs::segment_end* end;
  ~disarm_on_exit() {
    if (end) end->disarm();
  }
};

// Thrown out of the encode loop by the crash drill; the worker then exits without answering.
struct crash_drill {};

// Crash and stall drills strike halfway through the segment.
void perform_drill(fault_drill drill, std::int64_t frames, std::int64_t halfway,
                   const std::atomic<bool>& cancel) {
  if (frames != halfway) return;
  if (drill == fault_drill::crash) throw crash_drill{};
  if (drill != fault_drill::stall) return;
  // A deliberate hang: answer nothing until the supervisor gives up on us and cancels.
  while (!cancel.load()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

segment_outcome encode(caf::event_based_actor* self, const std::string& name,
                       const caf::actor& observer, const codecs::segment_source& source,
                       const codecs::video_encode_settings& settings, int attempt,
                       fault_drill drill, const std::atomic<bool>& cancel,
                       codecs::segment_end* end) {
  segment_outcome out;
  out.segment_id = source.segment_id;
  out.attempt = attempt;
  out.worker = name;
  auto start = clock_type::now();
  auto last_report = start - progress_interval;  // the first frame is reported at once
  codecs::segment_hooks hooks;
  hooks.inject_failure = drill == fault_drill::fail;
  hooks.cancel = &cancel;
  std::int64_t halfway = std::max<std::int64_t>(1, codecs::owned_frames(source) / 2);
  // Only a plain CRF encode may be cut short: the other modes encode the segment more than once,
  // and with a converted frame rate progress counts output frames, not the segment's.
  bool cuttable =
      end && settings.use_crf && settings.target_metric.empty() && settings.frame_rate_num == 0;
  auto taken = [&] { return cuttable ? end->taken() : std::int64_t{-1}; };
  hooks.on_progress = [&](std::int64_t given, std::int64_t encoded) {
    perform_drill(drill, given, halfway, cancel);
    auto now = clock_type::now();
    if (now - last_report < progress_interval) return;
    last_report = now;
    self->send(observer, progress_atom::value, name, source.segment_id, attempt, encoded, taken());
  };
  disarm_on_exit armed{cuttable ? end : nullptr};
  if (cuttable) {
    end->arm(source.segment_id, attempt, source.end_pts);
    hooks.end = end;
  }
  try {
    if (!settings.target_metric.empty())
      out.video = codecs::encode_to_target(source, settings, hooks);
    else if (!settings.use_crf)
      out.video = codecs::encode_to_bitrate(source, settings, hooks);
    else
      out.video = codecs::encode_segment(source, settings, hooks);
    out.ok = true;
    self->send(observer, progress_atom::value, name, source.segment_id, attempt, out.video.frames,
               std::int64_t{-1});
  } catch (const codecs::av_error& e) {
    out.error = e.what();
  }
  out.encode_s = std::chrono::duration<double>(clock_type::now() - start).count();
  return out;
}

caf::behavior encoder_worker(caf::event_based_actor* self, std::string name, caf::actor observer,
                             std::shared_ptr<std::atomic<bool>> cancel,
                             std::shared_ptr<codecs::segment_end> end) {
  return {
      [=](encode_atom, const caf::message& source_msg,
          const codecs::video_encode_settings& settings, int attempt,
          int drill) -> caf::result<segment_outcome> {
        if (!source_msg.match_element<codecs::segment_source>(0)) {
          segment_outcome bad;
          bad.worker = name;
          bad.attempt = attempt;
          bad.error = "malformed encode request (no segment source)";
          return bad;
        }
        const auto& source = source_msg.get_as<codecs::segment_source>(0);
        try {
          return encode(self, name, observer, source, settings, attempt,
                        static_cast<fault_drill>(drill), *cancel, end.get());
        } catch (const crash_drill&) {
          spdlog::info("[seg {:04d}] {} exits (faults.crash_segments)", source.segment_id, name);
          self->quit(caf::make_error(caf::sec::runtime_error, std::string("crash drill")));
          return caf::delegated<segment_outcome>{};
        }
      },
  };
}

}  // namespace

caf::actor spawn_encoder_worker(caf::actor_system& system, std::string name,
                                const caf::actor& observer,
                                std::shared_ptr<std::atomic<bool>> cancel,
                                std::shared_ptr<codecs::segment_end> end) {
  return system.spawn<caf::detached>(encoder_worker, std::move(name), observer, std::move(cancel),
                                     std::move(end));
}

}  // namespace pvenc::actors
