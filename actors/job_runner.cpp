#include "actors/job_runner.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>

#include <spdlog/spdlog.h>
#include <caf/io/all.hpp>

#include "actors/analyzer.hpp"
#include "actors/audio_encoder.hpp"
#include "actors/cluster_net.hpp"
#include "actors/cpu_cores.hpp"
#include "actors/error_text.hpp"
#include "actors/gatekeeper.hpp"
#include "actors/job_identity.hpp"
#include "actors/muxer.hpp"
#include "actors/protocol.hpp"
#include "actors/resume_layout.hpp"
#include "actors/retry_supervisor.hpp"
#include "actors/scheduler_config.hpp"
#include "actors/segmenter.hpp"
#include "actors/work_store.hpp"
#include "actors/worker_count.hpp"
#include "codecs/preflight.hpp"
#include "codecs/segment_encoder.hpp"
#include "codecs/video_encoder.hpp"
#include "config/cluster.hpp"
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

struct job_actors {
  caf::actor analyzer, segmenter, muxer, audio, supervisor, progress, gatekeeper;
  std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);

  void shutdown(caf::scoped_actor& self) {
    cancel->store(true);
    for (auto* a : {&analyzer, &segmenter, &muxer, &audio, &supervisor, &gatekeeper})
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
  s.threads = std::max(1, job.workers.threads);  // local workers: see local_shape()
  s.gpu = job.video.gpu;
  s.measure_psnr = job.metrics.psnr;
  s.measure_ssim = job.metrics.ssim;
  s.target_metric = job.video.target_metric;
  s.target = job.video.target;
  s.crf_min = job.video.crf_min;
  s.crf_max = job.video.crf_max;
  return s;
}

namespace {

// Drives one job through its phases. Each phase returns false after recording the failure.
class job_driver {
 public:
  job_driver(caf::actor_system& system, const config::job& job, const run_options& options,
             job_outcome& out)
      : system_(system), self_(system), job_(job), options_(options), out_(out) {}

  ~job_driver() { actors_.shutdown(self_); }

  void run() {
    actors_.progress = spawn_progress(system_, options_.progress);
    bool ok = listen() && analyze() && prepare() && plan() && open_work_dir() && encode() && mux();
    end_phase();
    if (ok) {
      out_.exit_code = exit_ok;
      phase("done");
      if (!options_.keep_work) work_store::remove_all(out_.work_dir);
    }
    actors_.shutdown(self_);
    bool flushed = false;
    std::string ignored;
    ask(self_, actors_.progress, flushed, ignored, finish_atom::value);
  }

 private:
  bool fail(int code, std::string error) {
    out_.exit_code = code;
    out_.error = std::move(error);
    return false;
  }

  // A failure during the work: finished segments stay in the work directory.
  bool fail_keeping_work(int code, std::string error) {
    if (!out_.work_dir.empty())
      error += "; finished segments are kept in " + out_.work_dir +
               ": run again with --resume to encode only the rest";
    return fail(code, std::move(error));
  }

  // Tells the progress actor; times the phases (a phase ends where the next one starts).
  void phase(const char* name) {
    end_phase();
    if (std::string_view(name) != "done") {
      out_.phase_seconds.emplace_back(name, 0.0);
      phase_started_ = clock_type::now();
    }
    self_->send(actors_.progress, phase_atom::value, std::string(name));
  }

  void end_phase() {
    if (out_.phase_seconds.empty() || out_.phase_seconds.back().second > 0) return;
    out_.phase_seconds.back().second =
        std::chrono::duration<double>(clock_type::now() - phase_started_).count();
  }

  // With cluster.listen: opens the door for worker nodes before anything else, so that they
  // can join while the input is analyzed.
  bool listen() {
    if (job_.cluster.listen.empty()) return true;
    auto where = config::parse_endpoint(job_.cluster.listen);
    actors_.gatekeeper = spawn_gatekeeper(system_, job_.cluster.secret);
    const char* host = where->host.empty() ? nullptr : where->host.c_str();
    auto port = system_.middleman().publish(actors_.gatekeeper,
                                            static_cast<std::uint16_t>(where->port), host, true);
    if (!port)
      return fail(exit_bad_input, "cluster.listen: cannot listen on " + job_.cluster.listen + ": " +
                                      describe(port.error()));
    out_.listen_port = *port;
    spdlog::info("listening for worker nodes on {}:{}", where->host.empty() ? "*" : where->host,
                 *port);
    return true;
  }

  // Tells the worker nodes that the job is over (they leave or wait for the next job).
  void close_cluster() {
    if (!actors_.gatekeeper) return;
    bool said = false;
    std::string ignored;
    ask(self_, actors_.gatekeeper, said, ignored, done_atom::value);
  }

  bool analyze() {
    phase("analyzing");
    actors_.analyzer = spawn_analyzer(system_);
    analysis_result analysis;
    std::string error;
    if (!ask(self_, actors_.analyzer, analysis, error, analyze_atom::value, job_.input.path,
             job_.segments.scene_detect))
      return fail(exit_failed, "analyzer: " + error);
    if (!analysis.ok) return fail(exit_bad_input, analysis.error);
    out_.input = analysis.info;
    out_.scenes = analysis.scenes;
    return true;
  }

  // Settles the video and audio settings and opens the encoder once (exit 2 if impossible).
  bool prepare() {
    const auto& info = out_.input;
    out_.settings = video_settings_of(job_);
    if (out_.settings.gpu && !codecs::hardware_encoder_available(out_.settings.codec)) {
      spdlog::warn(
          "video.gpu: no {} hardware encoder opens on this machine (NVENC); "
          "using the CPU encoder",
          out_.settings.codec);
      out_.settings.gpu = false;
    }
    std::string error;
    audio_codec_ = choose_audio(job_, info, error);
    if (!error.empty()) return fail(exit_bad_input, error);
    try {
      // Pin the level the first attempt gets: a retry at a lower bitrate must not change it.
      auto params = codecs::preflight_video(info.video.params, out_.settings);
      if (params.level > 0) out_.settings.level = params.level;
    } catch (const std::exception& e) {
      return fail(exit_bad_input, e.what());
    }
    origin_s_ = info.video.start_s;
    if (!audio_codec_.empty()) origin_s_ = std::min(origin_s_, info.audio.front().start_s);
    return true;
  }

  bool plan() {
    phase("segmenting");
    choose_default_workers();
    actors_.segmenter = spawn_segmenter(system_, origin_s_, out_.settings);
    std::string error;
    segment_rules rules = segmenting_rules();
    if (!ask(self_, actors_.segmenter, out_.plan, error, plan_atom::value, out_.input, out_.scenes,
             rules))
      return fail(exit_failed, "segmenter: " + error);
    return true;
  }

  int local_workers() const {
    return options_.workers_override > 0 ? options_.workers_override
           : job_.workers.count >= 0     ? job_.workers.count
                                         : default_workers_;
  }

  // The cores each software encoder gets by default (cores_per_worker); a GPU encoder's
  // workers only feed it, one per core.
  int cores_per_encoder() const {
    return out_.settings.gpu ? 1 : cores_per_worker(out_.settings.codec);
  }

  // Workers when nothing sets them: one per usable core (per two for x265, see
  // cores_per_worker), fewer if memory would not hold them.
  void choose_default_workers() {
    int width = 0, height = 0;
    codecs::output_size(out_.input.video.params, out_.settings, width, height);
    cores_ = usable_cores();
    auto choice =
        choose_worker_count(cores_, available_memory_bytes(), width, height, cores_per_encoder());
    default_workers_ = choice.workers;
    bool used = options_.workers_override <= 0 && job_.workers.count < 0;
    if (used && !choice.memory_note.empty()) spdlog::warn("workers: {}", choice.memory_note);
  }

  // The local workers and their encoder threads, once the segments to encode are known.
  worker_shape local_shape() const {
    shape_request request;
    request.cores = cores_;
    request.workers = local_workers();
    request.count_given = options_.workers_override > 0 || job_.workers.count >= 0;
    request.threads = job_.workers.threads;
    request.segments =
        static_cast<int>(out_.plan.segments.size() + resumed_cuts_.size() - resumed_.size());
    request.available_bytes = available_memory_bytes();
    codecs::output_size(out_.input.video.params, out_.settings, request.width, request.height);
    return choose_worker_shape(request);
  }

  // The job's [segments], except that without an explicit duration a short video is cut
  // finer: at least segments_per_worker segments per worker, so that every worker has work
  // and the last segment is short. Unless min_duration was given, segments may then be as
  // short as short_video_min_duration (measured: a 10 s 720p clip with keyframes 1-2.5 s
  // apart made 3 segments for 2 workers at the 2 s minimum, one worker idle for a third of
  // the run; 5 segments at 1 s took 12 % less time, at the same size). A long video's last
  // wave of segments is cut shorter (see below). An explicit duration is kept as given, and
  // so are the defaults when one local worker encodes alone: it has no one to share work with
  // and would only pay each extra segment's start (a keyframe, the encoder's look-ahead and
  // threads refilling). Measured x265 1 x 2 on c720s (8 s): 3 segments 0.93x ffmpeg's speed,
  // 1 segment 1.03x.
  segment_rules segmenting_rules() const {
    const auto& s = job_.segments;
    segment_rules rules{s.duration, s.min_duration, s.max_duration};
    if (s.duration_given) return rules;
    if (local_workers() == 1 && job_.cluster.listen.empty()) return rules;
    constexpr double segments_per_worker = 4;
    constexpr double short_video_min_duration = 1.0;
    int workers = std::max(2, local_workers());
    double fair = out_.input.video.duration_s / (segments_per_worker * workers);
    if (!s.min_duration_given)
      rules.min_duration =
          std::clamp(fair, std::min(short_video_min_duration, s.min_duration), s.min_duration);
    rules.duration = std::clamp(fair, rules.min_duration, s.duration);
    if (!s.max_duration_given) rules.max_duration = 2 * rules.duration;
    // A video long enough for full-length segments gets its last wave of segments (one per
    // worker) a quarter as long: with equal segments the workers finished up to one segment
    // apart (4.3 s of a 52 s run on a 112 s 720p clip, one worker idle). Shorter videos are
    // already cut finer; there the extra cuts cost more (keyframes, pre-roll) than they gain.
    if (fair >= s.duration) {
      rules.tail_span = workers * rules.duration;
      rules.tail_duration = std::max(rules.min_duration, rules.duration / 4);
    }
    return rules;
  }

  // Finds (or starts) the work directory. Finished segments of an earlier run are used only
  // with --resume and only when they belong to this very job.
  bool open_work_dir() {
    std::string dir =
        options_.work_dir.empty() ? default_work_dir(job_.output.path) : options_.work_dir;
    try {
      store_.emplace(dir, job_fingerprint(job_, out_.settings, out_.plan));
      if (store_->has_manifest() && !options_.resume)
        return fail(exit_bad_input, dir +
                                        " holds finished segments of an earlier run: add "
                                        "--resume to use them, or delete it to start over");
      if (store_->has_manifest() && store_->from_older_version())
        return fail(exit_bad_input, "--resume: " + dir +
                                        " was written by an older pvenc-node, whose finished "
                                        "segments this one cannot read; delete it to start over");
      if (store_->has_manifest() && !store_->matches())
        return fail(exit_bad_input, "--resume: " + dir +
                                        " was made by a different job or "
                                        "other settings; delete it to start over");
      if (store_->has_manifest()) {
        resumed_ = store_->load();
        reuse_cut_parts();
      } else
        store_->reset();
    } catch (const std::exception& e) {
      return fail(exit_bad_input, "work directory " + dir + ": " + e.what());
    }
    out_.work_dir = dir;
    out_.resumed_segments = static_cast<int>(resumed_.size());
    if (!resumed_.empty())
      spdlog::info("resuming: {} of {} segments already finished", resumed_.size(),
                   out_.plan.segments.size() + resumed_cuts_.size());
    return true;
  }

  // A segment that was cut for an idle worker (segments.rebalance) is stored in parts: the
  // parts are kept, under the ids the cuts made again get (resume_layout), and only the gaps
  // between them are encoded. Parts that fit nowhere are dropped from the store.
  void reuse_cut_parts() {
    std::map<int, stored_span> spans;
    for (const auto& [id, video] : resumed_) spans[id] = {video.start_pts, video.end_pts};
    resume_layout layout = layout_resume(out_.input, out_.plan, spans);
    for (const auto& [id, video] : resumed_) {
      auto kept = layout.kept.find(id);
      if (kept != layout.kept.end() && kept->second == id) continue;
      if (kept == layout.kept.end())
        spdlog::info("[seg {:04d}] a part of an earlier run that fits no segment now: dropped", id);
      store_->discard(id);  // dropped, or stored again under its new id below
    }
    std::map<int, codecs::encoded_video> parts;
    for (const auto& [old_id, id] : layout.kept) {
      auto& video = resumed_.at(old_id);
      if (old_id != id) store_->save(id, video);
      parts.emplace(id, std::move(video));
    }
    resumed_ = std::move(parts);
    resumed_cuts_ = std::move(layout.cuts);
  }

  void start_output() {
    muxer_options mux;
    mux.output_path = job_.output.path;
    mux.container = config::container_for_path(job_.output.path)->muxer;
    mux.segment_count = static_cast<int>(out_.plan.segments.size());
    for (const auto& cut : resumed_cuts_) mux.splits.emplace_back(cut.head.id, cut.rest.id);
    mux.expect_audio = !audio_codec_.empty();
    mux.store = std::move(store_);
    actors_.muxer = spawn_muxer(system_, std::move(mux));
    for (auto& [id, video] : resumed_) {
      segment_outcome done;
      done.segment_id = id;
      done.ok = true;
      done.video = std::move(video);
      self_->send(actors_.muxer, video_atom::value, std::move(done));
    }
    if (!audio_codec_.empty())
      actors_.audio = spawn_audio_encoder(system_, job_.input.path,
                                          codecs::audio_settings{audio_codec_, job_.audio.bitrate},
                                          origin_s_, actors_.muxer, actors_.cancel);
  }

  // What the supervisor reports of the segments resumed from the work directory. Taken before
  // start_output hands their packets (and the rest of each encoded_video) to the muxer.
  std::map<int, resumed_segment> resumed_summaries() const {
    std::map<int, resumed_segment> summaries;
    for (const auto& [id, video] : resumed_)
      summaries[id] = {video.frames, video.bytes, video.quality, video.crf, video.probes};
    return summaries;
  }

  supervisor_options supervision(std::map<int, resumed_segment> resumed) {
    supervisor_options sup;
    sup.plan = out_.plan;
    sup.settings = out_.settings;
    worker_shape shape = local_shape();
    out_.workers = shape.workers;
    out_.threads = shape.threads;
    sup.worker_count = shape.workers;
    sup.local_threads = shape.threads;
    sup.remote_cores_per_worker = job_.workers.threads > 0 ? 1 : cores_per_encoder();
    sup.node_name = default_node_name();
    sup.wait_for_workers = job_.cluster.wait_for_workers;
    codecs::output_size(out_.input.video.params, out_.settings, sup.output_width,
                        sup.output_height);
    sup.rebalance = job_.segments.rebalance;
    sup.max_attempts = job_.retry.max_attempts;
    sup.crf_step = job_.retry.crf_step;
    sup.max_crf = config::max_crf(job_.video.codec);
    sup.segment_timeout = job_.retry.segment_timeout;
    sup.fail_segments = job_.faults.fail_segments;
    sup.fail_attempts = job_.faults.fail_attempts;
    sup.crash_segments = job_.faults.crash_segments;
    sup.stall_segments = job_.faults.stall_segments;
    sup.resumed = std::move(resumed);
    sup.resumed_cuts = resumed_cuts_;
    sup.interrupts = options_.interrupts;
    sup.segmenter = actors_.segmenter;
    sup.muxer = actors_.muxer;
    sup.progress = actors_.progress;
    sup.cancel = actors_.cancel;
    return sup;
  }

  bool encode() {
    auto resumed = resumed_summaries();
    start_output();
    supervisor_options sup = supervision(std::move(resumed));
    actors_.supervisor = spawn_retry_supervisor(system_, std::move(sup));
    if (actors_.gatekeeper) self_->send(actors_.gatekeeper, start_atom::value, actors_.supervisor);
    phase("encoding");
    std::string error;
    bool answered = ask(self_, actors_.supervisor, out_.summary, error, start_atom::value);
    close_cluster();
    if (!answered) return fail_keeping_work(exit_failed, "supervisor: " + error);
    if (out_.summary.interrupted) return fail_keeping_work(exit_interrupted, "interrupted");
    if (!out_.summary.ok) return fail_keeping_work(exit_failed, out_.summary.error);
    return true;
  }

  bool mux() {
    phase("muxing");
    std::string error;
    if (!ask(self_, actors_.muxer, out_.mux, error, finish_atom::value))
      return fail_keeping_work(exit_failed, "muxer: " + error);
    if (!out_.mux.ok)
      return fail_keeping_work(exit_failed, "writing " + job_.output.path + ": " + out_.mux.error);
    return true;
  }

  caf::actor_system& system_;
  caf::scoped_actor self_;
  const config::job& job_;
  const run_options& options_;
  job_outcome& out_;
  job_actors actors_;
  std::string audio_codec_;
  int default_workers_ = 1;  // see choose_default_workers
  int cores_ = 1;            // usable cores, ditto
  double origin_s_ = 0;
  std::optional<work_store> store_;
  std::map<int, codecs::encoded_video> resumed_;  // by the ids of this run's tasks
  std::vector<segment_split> resumed_cuts_;       // see reuse_cut_parts
  clock_type::time_point phase_started_;
};

}  // namespace

job_outcome run_job(const config::job& job, const run_options& options) {
  job_outcome out;
  auto started = clock_type::now();
  caf::actor_system_config cfg;
  register_message_types(cfg);
  configure_scheduler(cfg);
  if (!job.cluster.listen.empty()) enable_cluster_networking(cfg, job.cluster.heartbeat);
  caf::actor_system system{cfg};
  {
    job_driver driver(system, job, options, out);
    driver.run();
  }
  out.elapsed_s = std::chrono::duration<double>(clock_type::now() - started).count();
  return out;
}

}  // namespace pvenc::actors
