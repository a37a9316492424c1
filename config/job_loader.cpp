// Job-file validation: the preset first, then each section's keys, then the checks that need
// several keys (rate control, codec/container pairs) and the file system (input and output).
#include "config/job_loader.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include "config/cluster.hpp"
#include "config/formats.hpp"
#include "config/presets.hpp"
#include "config/toml_reader.hpp"

namespace pvenc::config {
namespace {

namespace fs = std::filesystem;

constexpr int max_dimension = 16384;
constexpr std::int64_t min_video_bitrate = 1'000;
constexpr std::int64_t max_video_bitrate = 1'000'000'000;
constexpr std::int64_t min_audio_bitrate = 6'000;
constexpr std::int64_t max_audio_bitrate = 1'000'000;

const std::vector<section_keys>& job_sections() {
  static const std::vector<section_keys> sections = {
      {"input", {"path"}},
      {"output", {"path", "overwrite"}},
      {"video",
       {"codec", "crf", "bitrate", "quality", "speed", "resolution", "frame_rate", "gpu",
        "target_ssim", "target_psnr", "crf_min", "crf_max"}},
      {"audio", {"codec", "bitrate"}},
      {"segments", {"duration", "min_duration", "max_duration", "scene_detect", "rebalance"}},
      {"metrics", {"psnr", "ssim"}},
      {"workers", {"count", "threads"}},
      {"retry", {"max_attempts", "crf_step", "segment_timeout"}},
      {"faults", {"fail_segments", "fail_attempts", "crash_segments", "stall_segments"}},
      {"cluster", {"listen", "secret_file", "heartbeat", "local_workers", "wait_for_workers"}},
  };
  return sections;
}

const std::vector<std::string>& quality_names() {
  static const std::vector<std::string> names = {"low", "medium", "high", "ultra"};
  return names;
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// ---- sections ----

std::string unknown_name(std::string_view what, const std::vector<std::string>& allowed) {
  return "unknown " + std::string(what) + " (allowed: " + join(allowed) + ")";
}

// A string key whose value must be one of `allowed`.
std::optional<std::string> read_choice(const toml_reader& in, std::string_view key,
                                       std::string_view what,
                                       const std::vector<std::string>& allowed) {
  auto value = in.string(key);
  if (value && !contains(allowed, *value)) in.fail_value(key, unknown_name(what, allowed));
  return value;
}

// A bit rate: a string with an optional k/M/G suffix, or an integer in bits/s.
std::optional<std::int64_t> read_bitrate(const toml_reader& in, std::string_view key,
                                         std::int64_t lo, std::int64_t hi) {
  const toml::node* node = in.find(key);
  if (!node) return std::nullopt;
  std::optional<double> rate;
  if (auto i = node->as_integer()) {
    rate = static_cast<double>(i->get());
  } else if (auto s = node->as_string()) {
    rate = parse_rate(s->get());
    if (!rate) in.fail_value(key, "expected a rate like \"2M\", \"800k\" or \"2.5M\"");
  } else {
    in.fail_type(key, "a string like \"2M\" or an integer (bits/s)");
  }
  if (!(*rate >= static_cast<double>(lo) && *rate <= static_cast<double>(hi)))
    in.fail_value(
        key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + " bits/s");
  return std::llround(*rate);
}

void read_preset(const toml_reader& in, job& j) {
  auto name = in.string("preset");
  if (!name || apply_preset(*name, j)) return;
  std::vector<std::string> names;
  for (const auto& p : preset_list()) names.push_back(p.name);
  in.fail_value("preset", unknown_name("preset", names));
}

void read_paths(const toml_reader& in, job& j) {
  auto input = in.string("input.path");
  if (!input) in.fail("input.path", "input.path is missing");
  if (input->empty()) in.fail_value("input.path", "must not be empty");
  auto output = in.string("output.path");
  if (!output) in.fail("output.path", "output.path is missing");
  if (output->empty()) in.fail_value("output.path", "must not be empty");
  j.input.path = *input;
  j.output.path = *output;
  j.output.overwrite = in.boolean("output.overwrite").value_or(j.output.overwrite);
}

// Target-quality mode and its CRF range. REQUIRES: v.codec is final.
void read_target_quality(const toml_reader& in, video_section& v) {
  int top = max_crf(v.codec);
  v.crf_max = top;
  if (auto ssim = in.number("video.target_ssim")) {
    if (!(*ssim > 0 && *ssim < 1)) in.fail_value("video.target_ssim", "must be between 0 and 1");
    v.target_metric = "ssim";
    v.target = *ssim;
  }
  if (auto psnr = in.number_in("video.target_psnr", 10, 100)) {
    v.target_metric = "psnr";
    v.target = *psnr;
  }
  v.crf_min = in.integer_in("video.crf_min", 0, top).value_or(v.crf_min);
  v.crf_max = in.integer_in("video.crf_max", 0, top).value_or(v.crf_max);
  if (v.crf_min > v.crf_max)
    in.fail_value("video.crf_min",
                  "must be at most video.crf_max (" + std::to_string(v.crf_max) + ")");
  for (const char* key : {"video.crf_min", "video.crf_max"})
    if (in.has(key) && v.target_metric.empty())
      in.fail(key, std::string(key) + ": only used with video.target_ssim or video.target_psnr");
  if (!v.target_metric.empty()) v.crf = std::clamp(v.crf, v.crf_min, v.crf_max);  // first probe
}

// crf, bitrate, quality, target_ssim or target_psnr: at most one. REQUIRES: v.codec is final.
void read_rate_control(const toml_reader& in, video_section& v) {
  std::string first;
  for (std::string key :
       {"video.crf", "video.bitrate", "video.quality", "video.target_ssim", "video.target_psnr"}) {
    if (!in.has(key)) continue;
    if (!first.empty())
      in.fail(key, key + ": cannot be combined with " + first +
                       " (give at most one of crf, bitrate, quality, target_ssim, target_psnr)");
    first = key;
  }
  if (auto crf = in.integer_in("video.crf", 0, max_crf(v.codec))) {
    v.mode = rate_mode::crf;
    v.crf = *crf;
  }
  if (auto bitrate = read_bitrate(in, "video.bitrate", min_video_bitrate, max_video_bitrate)) {
    v.mode = rate_mode::bitrate;
    v.bitrate = *bitrate;
  }
  if (auto quality = read_choice(in, "video.quality", "quality", quality_names())) {
    v.mode = rate_mode::crf;
    v.crf = *crf_for_quality(*quality, v.codec);
  }
  read_target_quality(in, v);
}

void read_resolution(const toml_reader& in, video_section& v) {
  auto text = in.string("video.resolution");
  if (!text) return;
  auto size = parse_resolution(*text);
  if (!size) in.fail_value("video.resolution", "expected \"WIDTHxHEIGHT\", e.g. \"1280x720\"");
  if (size->first < 1 || size->second < 1 || size->first > max_dimension ||
      size->second > max_dimension)
    in.fail_value("video.resolution",
                  "width and height must be between 1 and " + std::to_string(max_dimension));
  v.width = size->first;
  v.height = size->second;
}

void read_frame_rate(const toml_reader& in, video_section& v) {
  const char* key = "video.frame_rate";
  const toml::node* node = in.find(key);
  if (!node) return;
  std::optional<fraction> rate;
  if (auto i = node->as_integer()) {
    rate = fraction{i->get(), 1};
  } else if (auto f = node->as_floating_point()) {
    rate = fraction_from_double(f->get());
  } else if (auto s = node->as_string()) {
    rate = parse_frame_rate(s->get());
    if (!rate) in.fail_value(key, "expected a rate like 30, 29.97 or \"30000/1001\"");
  } else {
    in.fail_type(key, "a number or a string like \"30000/1001\"");
  }
  if (rate->num <= 0 || rate->num > 1000 * rate->den)
    in.fail_value(key, "must be greater than 0 and at most 1000");
  v.frame_rate_num = static_cast<int>(rate->num);
  v.frame_rate_den = static_cast<int>(rate->den);
}

void read_video(const toml_reader& in, video_section& v) {
  std::string codec_before = v.codec;  // the default's or the preset's
  v.codec = read_choice(in, "video.codec", "codec", video_codec_names()).value_or(v.codec);
  // The default/preset CRF belongs to its codec's scale; another codec starts at its own
  // "medium" quality (vp9 and av1 use 0..63).
  if (v.codec != codec_before) v.crf = *crf_for_quality("medium", v.codec);
  v.speed = read_choice(in, "video.speed", "speed", speed_names()).value_or(v.speed);
  read_rate_control(in, v);
  read_resolution(in, v);
  read_frame_rate(in, v);
  v.gpu = in.boolean("video.gpu").value_or(v.gpu);
}

void read_audio(const toml_reader& in, audio_section& a) {
  a.codec = read_choice(in, "audio.codec", "codec", audio_codec_names()).value_or(a.codec);
  a.bitrate =
      read_bitrate(in, "audio.bitrate", min_audio_bitrate, max_audio_bitrate).value_or(a.bitrate);
}

// segments.scene_detect = "auto": the scene pass decodes the input once more, which costs 3 to 8 %
// of a CRF encode's CPU time at medium and faster speeds (measured on 720p x264 medium: 8 %). It
// runs where it pays for itself: bitrate mode (it sets each segment's bitrate), target quality
// (segments follow scenes), or slow and slower speeds (where it costs 1 to 3 %).
bool scene_detection_pays(const video_section& v) {
  if (v.mode == rate_mode::bitrate || !v.target_metric.empty()) return true;
  return !v.gpu && (v.speed == "slow" || v.speed == "slower" || v.speed == "veryslow");
}

// REQUIRES: the video section read.
void read_scene_detect(const toml_reader& in, const video_section& v, segments_section& s) {
  const char* key = "segments.scene_detect";
  const toml::node* node = in.find(key);
  if (node && node->is_boolean()) {
    s.scene_detect = node->as_boolean()->get();
    s.scene_detect_auto = false;
    return;
  }
  if (node && !node->is_string()) in.fail_type(key, "true, false or \"auto\"");
  if (node && in.string(key) != "auto") in.fail_value(key, "expected true, false or \"auto\"");
  s.scene_detect_auto = true;
  s.scene_detect = scene_detection_pays(v);
}

void read_segments(const toml_reader& in, segments_section& s) {
  auto duration = in.number("segments.duration");
  if (duration && !(*duration > 0 && *duration <= 3600))
    in.fail_value("segments.duration", "must be greater than 0 and at most 3600 (seconds)");
  s.duration = duration.value_or(s.duration);
  s.duration_given = duration.has_value();
  auto min_duration = in.number_in("segments.min_duration", 0, 3600);
  if (min_duration && *min_duration > s.duration)
    in.fail_value("segments.min_duration",
                  "must be at most segments.duration (" + format_number(s.duration) + ")");
  // A short explicit duration lowers the default minimum instead of contradicting it.
  s.min_duration = min_duration.value_or(std::min(s.min_duration, s.duration));
  s.min_duration_given = min_duration.has_value();
  auto max_duration = in.number_in("segments.max_duration", 0, 7200);
  if (max_duration && *max_duration < s.duration)
    in.fail_value("segments.max_duration",
                  "must be at least segments.duration (" + format_number(s.duration) + ")");
  s.max_duration = max_duration.value_or(2 * s.duration);
  s.max_duration_given = max_duration.has_value();
  s.rebalance = in.boolean("segments.rebalance").value_or(s.rebalance);
}

void read_metrics(const toml_reader& in, metrics_section& m) {
  m.psnr = in.boolean("metrics.psnr").value_or(m.psnr);
  m.ssim = in.boolean("metrics.ssim").value_or(m.ssim);
}

void read_workers(const toml_reader& in, workers_section& w) {
  w.count = in.integer_in("workers.count", 0, 256).value_or(w.count);
  w.threads = in.integer_in("workers.threads", 1, 64).value_or(w.threads);
}

// REQUIRES: j.workers read. cluster.local_workers overrides workers.count on a coordinator.
void read_cluster(const toml_reader& in, job& j) {
  auto& c = j.cluster;
  if (auto listen = in.string("cluster.listen")) {
    if (!parse_endpoint(*listen))
      in.fail_value("cluster.listen", "expected \"HOST:PORT\", e.g. \"0.0.0.0:7400\"");
    c.listen = *listen;
  }
  c.heartbeat = in.number_in("cluster.heartbeat", 0.1, 60).value_or(c.heartbeat);
  c.wait_for_workers =
      in.number_in("cluster.wait_for_workers", 0, 86400).value_or(c.wait_for_workers);
  if (auto local = in.integer_in("cluster.local_workers", 0, 256)) j.workers.count = *local;
  if (auto file = in.string("cluster.secret_file")) {
    try {
      c.secret = read_secret_file(*file);
    } catch (const std::exception& e) {
      in.fail("cluster.secret_file", std::string("cluster.secret_file: ") + e.what());
    }
    c.secret_file = *file;
  }
  if (!c.listen.empty() && c.secret_file.empty())
    in.fail("cluster.listen",
            "cluster.listen needs cluster.secret_file (only nodes holding the "
            "secret may join)");
  if (j.workers.count == 0 && c.listen.empty()) {
    const char* key = in.has("cluster.local_workers") ? "cluster.local_workers" : "workers.count";
    in.fail_value(key, "0 local workers needs cluster.listen (worker nodes to encode)");
  }
}

void read_retry(const toml_reader& in, retry_section& r) {
  r.max_attempts = in.integer_in("retry.max_attempts", 1, 20).value_or(r.max_attempts);
  r.crf_step = in.integer_in("retry.crf_step", 0, 20).value_or(r.crf_step);
  r.segment_timeout = in.number_in("retry.segment_timeout", 0, 86400).value_or(r.segment_timeout);
}

void read_faults(const toml_reader& in, faults_section& f) {
  constexpr int max_segment = 1'000'000;
  f.fail_segments =
      in.integer_array("faults.fail_segments", 0, max_segment).value_or(f.fail_segments);
  f.fail_attempts = in.integer_in("faults.fail_attempts", 1, 1000).value_or(f.fail_attempts);
  f.crash_segments =
      in.integer_array("faults.crash_segments", 0, max_segment).value_or(f.crash_segments);
  f.stall_segments =
      in.integer_array("faults.stall_segments", 0, max_segment).value_or(f.stall_segments);
}

// ---- checks across keys and against the file system ----

void check_container(const toml_reader& in, const job& j) {
  auto extension = fs::path(j.output.path).extension().string();
  auto container = container_for_path(j.output.path);
  if (extension.empty())
    in.fail_value("output.path", "no file extension to choose the container from");
  if (!container) in.fail_value("output.path", "unknown container " + quoted_string(extension));
  if (!container_accepts_video(*container, j.video.codec))
    in.fail("video.codec", "video.codec = " + quoted_string(j.video.codec) +
                               " cannot be stored in " + extension +
                               " (accepts: " + join(container->video_codecs) + ")");
  if (!container_accepts_audio(*container, j.audio.codec))
    in.fail("audio.codec", "audio.codec = " + quoted_string(j.audio.codec) +
                               " cannot be stored in " + extension +
                               " (accepts: " + join(container->audio_codecs) + ")");
}

bool is_lavfi(const std::string& path) {
  return path.rfind("lavfi:", 0) == 0;
}

void check_input(const toml_reader& in, const std::string& path) {
  const char* key = "input.path";
  if (is_lavfi(path)) {
    if (path.size() == 6) in.fail_value(key, "\"lavfi:\" needs a filter graph after it");
    return;
  }
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (!fs::exists(status)) in.fail(key, "input.path: no such file: " + path);
  if (!fs::is_regular_file(status)) in.fail(key, "input.path: not a regular file: " + path);
  if (::access(path.c_str(), R_OK) != 0) in.fail(key, "input.path: cannot read: " + path);
}

fs::path canonical_or_absolute(const std::string& path) {
  std::error_code ec;
  auto canonical = fs::weakly_canonical(path, ec);
  return ec ? fs::absolute(path, ec).lexically_normal() : canonical;
}

void check_output(const toml_reader& in, const job& j) {
  const char* key = "output.path";
  const std::string& path = j.output.path;
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (fs::is_directory(status)) in.fail(key, "output.path: is a directory: " + path);
  auto parent = fs::path(path).parent_path();
  if (parent.empty()) parent = ".";
  if (!fs::exists(parent, ec))
    in.fail(key, "output.path: directory does not exist: " + parent.string());
  if (!fs::is_directory(parent, ec))
    in.fail(key, "output.path: not a directory: " + parent.string());
  if (::access(parent.c_str(), W_OK) != 0)
    in.fail(key, "output.path: directory is not writable: " + parent.string());
  if (!is_lavfi(j.input.path) && canonical_or_absolute(path) == canonical_or_absolute(j.input.path))
    in.fail(key, "output.path: same file as input.path: " + path);
  if (fs::exists(status) && !j.output.overwrite)
    in.fail(key, "output.path: file exists and output.overwrite = false: " + path);
}

job read_job(const toml_reader& in, const std::string& source) {
  in.check_keys({"preset"}, job_sections());
  job j;
  j.source = source;
  read_preset(in, j);
  read_paths(in, j);
  read_video(in, j.video);
  read_audio(in, j.audio);
  read_segments(in, j.segments);
  read_scene_detect(in, j.video, j.segments);
  read_metrics(in, j.metrics);
  read_workers(in, j.workers);
  read_retry(in, j.retry);
  read_faults(in, j.faults);
  read_cluster(in, j);
  check_container(in, j);
  check_input(in, j.input.path);
  check_output(in, j);
  return j;
}

std::string read_file(const std::string& path) {
  auto cannot_read = [&](const std::string& reason) {
    throw_job_error("cannot read job file " + path + ": " + reason);
  };
  std::error_code ec;
  if (fs::is_directory(path, ec)) cannot_read("is a directory");
  errno = 0;
  std::ifstream file(path, std::ios::binary);
  if (!file) cannot_read(errno ? std::generic_category().message(errno) : "cannot open");
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) cannot_read("read error");
  return text.str();
}

}  // namespace

job parse_job(std::string_view toml_text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(toml_text, std::string_view(source));
  } catch (const toml::parse_error& e) {
    auto line = e.source().begin.line;
    std::string where = line > 0 ? source + ":" + std::to_string(line) : source;
    throw_job_error(where + ": invalid TOML: " + std::string(e.description()));
  }
  return read_job(toml_reader(root, source), source);
}

job load_job(const std::string& path) {
  return parse_job(read_file(path), path);
}

}  // namespace pvenc::config
