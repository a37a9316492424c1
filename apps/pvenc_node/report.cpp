#include "apps/pvenc_node/report.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "codecs/quality_search.hpp"

namespace pvenc::app {
namespace {

using nlohmann::json;

double round3(double x) {
  return std::round(x * 1000) / 1000;
}

// A measured value, or null when it is not a finite number (PSNR of identical frames is +inf;
// JSON has no infinity).
json number_or_null(double x, double scale = 1000) {
  return std::isfinite(x) ? json(std::round(x * scale) / scale) : json();
}

constexpr const char* vmaf_reason = "not measured: Debian's FFmpeg 5.1 is built without libvmaf";

// {"psnr_y", "psnr", "ssim", "vmaf"} as FFmpeg's psnr ("y", "average") and ssim ("All") filters
// print them; null when nothing was measured.
json quality_json(const codecs::quality_sums& sums) {
  if (sums.frames == 0) return json();
  codecs::quality_totals t = sums.totals();
  return {{"psnr_y", sums.psnr ? number_or_null(t.psnr_y) : json()},
          {"psnr", sums.psnr ? number_or_null(t.psnr) : json()},
          {"ssim", sums.ssim ? number_or_null(t.ssim, 1e6) : json()},
          {"vmaf", json()},
          {"frames", sums.frames}};
}

json attempt_json(const actors::attempt_record& a) {
  json j = {{"attempt", a.attempt},
            {"worker", a.worker},
            {"node", a.node},
            {"ok", a.ok},
            {"encode_s", round3(a.encode_s)},
            {"start_s", round3(a.start_s)},
            {"end_s", round3(a.start_s + a.encode_s)}};
  if (a.lost) j["lost"] = true;
  if (a.crf >= 0) j["crf"] = a.crf;
  if (a.bitrate > 0) j["bitrate"] = a.bitrate;
  if (!a.error.empty()) j["error"] = a.error;
  return j;
}

// Seconds of video time of a pts inside segment `spec`.
double video_time(const actors::segment_spec& spec, std::int64_t pts) {
  double span = static_cast<double>(spec.end_pts - spec.start_pts);
  return spec.start_s + (span > 0 ? (pts - spec.start_pts) * spec.duration_s / span : 0);
}

json segment_json(const actors::segment_report& s, const codecs::video_encode_settings& settings) {
  json j = {{"id", s.spec.id},
            {"start_frame", s.spec.start_frame},
            {"end_frame", s.spec.end_frame},
            {"start_s", round3(s.spec.start_s)},
            {"duration_s", round3(s.spec.duration_s)},
            {"attempts", static_cast<int>(s.attempts.size())},
            {"bytes", s.bytes},
            {"frames", s.frames},
            {"resumed", s.resumed},
            {"damaged_source", s.damaged_source}};
  json attempts = json::array();
  for (const auto& a : s.attempts) attempts.push_back(attempt_json(a));
  j["attempt_log"] = attempts;
  if (s.split_from >= 0) j["split_from"] = s.split_from;
  j["bitrate"] = s.spec.duration_s > 0 ? std::llround(s.bytes * 8 / s.spec.duration_s) : 0;
  j["complexity"] = {{"motion", round3(s.spec.motion)},
                     {"detail", round3(s.spec.detail)},
                     {"score", round3(s.spec.complexity)}};
  if (!settings.use_crf) j["bitrate_factor"] = round3(s.spec.bitrate_factor);
  json cuts = json::array();
  for (auto pts : s.spec.keyframe_pts) cuts.push_back(round3(video_time(s.spec, pts)));
  j["scene_cuts_s"] = cuts;
  j["quality"] = quality_json(s.quality);
  if (!s.quality_note.empty()) j["quality_note"] = s.quality_note;
  if (!settings.target_metric.empty() && s.crf >= 0) {
    json probes = json::array();
    for (const auto& p : s.probes) probes.push_back({{"crf", p.crf}, {"value", round3(p.value)}});
    double achieved = codecs::quality_value(s.quality.totals(), settings.target_metric);
    j["target"] = {{"metric", settings.target_metric},
                   {"value", settings.target},
                   {"probes", probes},
                   {"crf", s.crf},
                   {"achieved", number_or_null(achieved, 1e6)},
                   {"met", achieved >= settings.target}};
  }
  if (!s.attempts.empty()) {
    const auto& last = s.attempts.back();
    j["crf"] = s.crf >= 0 ? json(s.crf) : last.crf >= 0 ? json(last.crf) : json();
    j["worker"] = last.worker;
    j["node"] = last.node;
    j["encode_s"] = round3(last.encode_s);
  }
  return j;
}

// The scene cuts in seconds of video time (frame k: the k-th smallest pts).
json scene_cut_times(const actors::job_outcome& outcome) {
  const auto& v = outcome.input.video;
  std::vector<std::int64_t> pts;
  for (const auto& p : v.packets) pts.push_back(p.pts);
  std::sort(pts.begin(), pts.end());
  double tb = v.params.time_base.to_double();
  json cuts = json::array();
  for (auto k : outcome.scenes.cut_frames)
    if (k >= 0 && k < static_cast<std::int64_t>(pts.size()))
      cuts.push_back(round3((pts[k] - pts.front()) * tb));
  return cuts;
}

// Wall seconds per phase, in the order they ran (an ordered JSON object keeps them readable).
json phases_json(const actors::job_outcome& outcome) {
  json phases = json::object();
  for (const auto& [name, seconds] : outcome.phase_seconds) phases[name] = round3(seconds);
  return phases;
}

json worker_json(const actors::worker_report& w, double wall_s) {
  return {{"id", w.id},
          {"node", w.node},
          {"remote", w.remote},
          {"frames", w.frames},
          {"busy_s", round3(w.busy_s)},
          {"fps", w.busy_s > 0 ? round3(w.frames / w.busy_s) : 0.0},
          {"efficiency", wall_s > 0 ? round3(w.busy_s / wall_s) : 0.0}};
}

}  // namespace

json media_info_json(const codecs::media_info& info) {
  const auto& v = info.video;
  json keyframe_times = json::array();
  double tb = v.params.time_base.to_double();
  double first = v.packets.empty() ? 0 : v.start_s;
  for (const auto& p : v.packets)
    if (p.keyframe) keyframe_times.push_back(round3(p.pts * tb - first));
  json audio = json::array();
  for (const auto& a : info.audio)
    audio.push_back({{"stream", a.stream_index},
                     {"codec", a.codec_name},
                     {"sample_rate", a.sample_rate},
                     {"channels", a.channels},
                     {"start_s", round3(a.start_s)},
                     {"duration_s", round3(a.duration_s)}});
  return {{"path", info.path},
          {"format", info.format_name},
          {"size_bytes", info.size_bytes},
          {"duration_s", round3(info.duration_s)},
          {"seekable", info.seekable},
          {"video",
           {{"stream", v.stream_index},
            {"codec", v.codec_name},
            {"width", v.params.width},
            {"height", v.params.height},
            {"pixel_format", v.pixel_format},
            {"frame_rate", round3(v.frame_rate.to_double())},
            {"variable_frame_rate", v.variable_frame_rate},
            {"frames", v.frame_count},
            {"keyframes", keyframe_times.size()},
            {"keyframe_times_s", keyframe_times},
            {"start_s", round3(v.start_s)},
            {"duration_s", round3(v.duration_s)}}},
          {"audio", audio}};
}

json make_report(const config::job& job, const actors::job_outcome& outcome,
                 const codecs::media_info* output) {
  const auto& in = outcome.input;
  json report = {
      {"ok", outcome.exit_code == 0},
      {"input",
       {{"path", job.input.path},
        {"frames", in.video.frame_count},
        {"size_bytes", in.size_bytes},
        {"duration_s", round3(in.duration_s)}}},
      {"output",
       {{"path", job.output.path},
        {"frames", output ? output->video.frame_count : 0},
        {"size_bytes", outcome.mux.bytes},
        {"duration_s", output ? round3(output->duration_s) : 0.0}}},
      {"compression_ratio",
       in.size_bytes > 0 ? round3(static_cast<double>(outcome.mux.bytes) / in.size_bytes) : 0.0},
      {"elapsed_s", round3(outcome.elapsed_s)},
      {"phases_s", phases_json(outcome)},
      {"retries", outcome.summary.retries},
      {"resumed_segments", outcome.resumed_segments},
      {"encoder", outcome.summary.encoder},
      {"settings",
       {{"codec", outcome.settings.codec},
        {"speed", outcome.settings.speed},
        {"crf", outcome.settings.use_crf ? json(outcome.settings.crf) : json()},
        {"bitrate", outcome.settings.use_crf ? json() : json(outcome.settings.bitrate)},
        {"workers", outcome.workers},
        {"threads", outcome.threads},
        {"scene_detect", job.segments.scene_detect},
        {"scene_detect_auto", job.segments.scene_detect_auto},
        {"rebalance", job.segments.rebalance},
        {"metrics", {{"psnr", job.metrics.psnr}, {"ssim", job.metrics.ssim}}},
        {"target", job.video.target_metric.empty() ? json()
                                                   : json{{"metric", job.video.target_metric},
                                                          {"value", job.video.target},
                                                          {"crf_min", job.video.crf_min},
                                                          {"crf_max", job.video.crf_max}}}}}};
  if (!outcome.error.empty()) report["error"] = outcome.error;
  if (!job.cluster.listen.empty()) {  // never the secret
    json nodes = json::array();
    for (const auto& w : outcome.summary.workers)
      if (w.remote && std::find(nodes.begin(), nodes.end(), w.node) == nodes.end())
        nodes.push_back(w.node);
    report["cluster"] = {
        {"listen", job.cluster.listen}, {"port", outcome.listen_port}, {"nodes", nodes}};
  }
  json segments = json::array();
  for (const auto& s : outcome.summary.segments)
    segments.push_back(segment_json(s, outcome.settings));
  report["segments"] = segments;
  json workers = json::array();
  for (const auto& w : outcome.summary.workers)
    workers.push_back(worker_json(w, outcome.elapsed_s));
  report["workers"] = workers;
  report["quality"] = quality_json(outcome.summary.quality);
  if (!report["quality"].is_null()) report["quality"]["vmaf_reason"] = vmaf_reason;
  if (outcome.scenes.detected) {
    report["scene_cuts_s"] = scene_cut_times(outcome);
    report["scene_detection"] = {{"cuts", outcome.scenes.cut_frames.size()},
                                 {"frames", outcome.scenes.motion.size()},
                                 {"fps", std::round(outcome.scenes.fps)}};
  }
  return report;
}

}  // namespace pvenc::app
