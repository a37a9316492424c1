#include "actors/job_runner.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include <spdlog/spdlog.h>

#include "actors/analyzer.hpp"
#include "actors/audio_encoder.hpp"
#include "actors/error_text.hpp"
#include "actors/muxer.hpp"
#include "actors/protocol.hpp"
#include "actors/retry_supervisor.hpp"
#include "actors/segmenter.hpp"
#include "codecs/preflight.hpp"
#include "codecs/video_encoder.hpp"
#include "config/formats.hpp"

namespace pvenc::actors {
namespace {

using clock_type = std::chrono::steady_clock;

// Asks `who` and waits for the typed answer; a CAF error becomes `error`.
template <class Result, class... Ts>
bool ask(caf::scoped_actor& self, const caf::actor& who, Result& result, std::string& error,
         Ts&&... xs) {
  bool ok = false;
  self->request(who, caf::infinite, std::forward<Ts>(xs)...)
      .receive([&](Result& r) { result = std::move(r), ok = true; },
               [&](caf::error& e) { error = describe(e); });
  return ok;
}

int default_worker_count() {
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

struct job_actors {
  caf::actor analyzer, segmenter, muxer, audio, supervisor, progress;
  std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);

  void shutdown(caf::scoped_actor& self) {
    cancel->store(true);
    for (auto* a : {&analyzer, &segmenter, &muxer, &audio, &supervisor})
      if (*a) self->send_exit(*a, caf::exit_reason::user_shutdown);
  }
};

// Which audio the output gets; "" for none. Fails (exit 2) on an impossible request.
std::string choose_audio(const config::job& job, const codecs::media_info& info,
                         std::string& error) {
  const std::string& codec = job.audio.codec;
  if (codec == "none") return "";
  if (info.audio.empty()) {
    if (codec == "copy")
      error = "audio.codec = \"copy\" but " + info.path + " has no audio stream";
    else
      spdlog::info("{} has no audio stream: the output has none", info.path);
    return "";
  }
  if (codec == "copy") {
    auto container = config::container_for_path(job.output.path);
    std::string source_codec = info.audio.front().codec_name;
    if (!codecs::muxer_accepts_codec(container->muxer, source_codec)) {
      error = "audio.codec = \"copy\": " + source_codec + " audio cannot be stored in " +
              container->extension;
      return "";
    }
  }
  return codec;
}

}  // namespace

codecs::video_encode_settings video_settings_of(const config::job& job) {
  codecs::video_encode_settings s;
  s.codec = job.video.codec;
  s.speed = job.video.speed;
  s.use_crf = job.video.mode == config::rate_mode::crf;
  s.crf = job.video.crf;
  s.bitrate = job.video.bitrate;
  s.width = job.video.width;
  s.height = job.video.height;
  s.frame_rate_num = job.video.frame_rate_num;
  s.frame_rate_den = job.video.frame_rate_den;
  s.threads = job.workers.threads;
  s.gpu = job.video.gpu;
  return s;
}

job_outcome run_job(const config::job& job, const run_options& options) {
  job_outcome out;
  auto started = clock_type::now();
  caf::actor_system_config cfg;
  register_message_types(cfg);
  caf::actor_system system{cfg};
  job_actors actors;
  {
    caf::scoped_actor self{system};
    actors.progress = spawn_progress(system, options.progress);
    auto fail = [&](int code, std::string error) {
      out.exit_code = code;
      out.error = std::move(error);
      actors.shutdown(self);
    };
    auto run = [&] {
      self->send(actors.progress, phase_atom::value, std::string("analyzing"));
      actors.analyzer = spawn_analyzer(system);
      analysis_result analysis;
      std::string error;
      if (!ask(self, actors.analyzer, analysis, error, analyze_atom::value, job.input.path))
        return fail(exit_failed, "analyzer: " + error);
      if (!analysis.ok) return fail(exit_bad_input, analysis.error);
      out.input = analysis.info;
      const auto& info = out.input;

      out.settings = video_settings_of(job);
      if (out.settings.gpu && !codecs::hardware_encoder_available(out.settings.codec)) {
        spdlog::warn(
            "video.gpu: no {} hardware encoder opens on this machine (NVENC, VAAPI); "
            "using the CPU encoder",
            out.settings.codec);
        out.settings.gpu = false;
      }
      std::string audio_codec = choose_audio(job, info, error);
      if (!error.empty()) return fail(exit_bad_input, error);
      try {
        // Pin the level the first attempt gets: a retry at a lower bitrate must not change it.
        auto params = codecs::preflight_video(info.video.params, out.settings);
        if (params.level > 0) out.settings.level = params.level;
      } catch (const std::exception& e) {
        return fail(exit_bad_input, e.what());
      }
      double origin_s = info.video.start_s;
      if (!audio_codec.empty()) origin_s = std::min(origin_s, info.audio.front().start_s);

      self->send(actors.progress, phase_atom::value, std::string("segmenting"));
      actors.segmenter = spawn_segmenter(system, origin_s, out.settings);
      if (!ask(self, actors.segmenter, out.plan, error, plan_atom::value, info,
               job.segments.duration, job.segments.min_duration))
        return fail(exit_failed, "segmenter: " + error);

      muxer_options mux;
      mux.output_path = job.output.path;
      mux.container = config::container_for_path(job.output.path)->muxer;
      mux.segment_count = static_cast<int>(out.plan.segments.size());
      mux.expect_audio = !audio_codec.empty();
      actors.muxer = spawn_muxer(system, mux);
      if (mux.expect_audio)
        actors.audio = spawn_audio_encoder(system, job.input.path,
                                           codecs::audio_settings{audio_codec, job.audio.bitrate},
                                           origin_s, actors.muxer, actors.cancel);

      supervisor_options sup;
      sup.plan = out.plan;
      sup.settings = out.settings;
      out.workers = options.workers_override > 0 ? options.workers_override
                    : job.workers.count > 0      ? job.workers.count
                                                 : default_worker_count();
      sup.worker_count = out.workers;
      sup.max_attempts = job.retry.max_attempts;
      sup.crf_step = job.retry.crf_step;
      sup.max_crf = config::max_crf(job.video.codec);
      sup.segment_timeout = job.retry.segment_timeout;
      sup.fail_segments = job.faults.fail_segments;
      sup.fail_attempts = job.faults.fail_attempts;
      sup.crash_segments = job.faults.crash_segments;
      sup.stall_segments = job.faults.stall_segments;
      sup.segmenter = actors.segmenter;
      sup.muxer = actors.muxer;
      sup.progress = actors.progress;
      sup.cancel = actors.cancel;
      actors.supervisor = spawn_retry_supervisor(system, std::move(sup));
      self->send(actors.progress, phase_atom::value, std::string("encoding"));
      if (!ask(self, actors.supervisor, out.summary, error, start_atom::value))
        return fail(exit_failed, "supervisor: " + error);
      if (!out.summary.ok) return fail(exit_failed, out.summary.error);

      self->send(actors.progress, phase_atom::value, std::string("muxing"));
      if (!ask(self, actors.muxer, out.mux, error, finish_atom::value))
        return fail(exit_failed, "muxer: " + error);
      if (!out.mux.ok)
        return fail(exit_failed, "writing " + job.output.path + ": " + out.mux.error);
      out.exit_code = exit_ok;
      self->send(actors.progress, phase_atom::value, std::string("done"));
      actors.shutdown(self);
    };
    run();
    bool flushed = false;
    std::string ignored;
    ask(self, actors.progress, flushed, ignored, finish_atom::value);
  }
  out.elapsed_s = std::chrono::duration<double>(clock_type::now() - started).count();
  return out;
}

}  // namespace pvenc::actors
