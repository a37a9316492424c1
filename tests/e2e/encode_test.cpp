// End-to-end encodes of short generated clips, one per codec/container pair, plus variable frame
// rate, frame-rate conversion, scaling and the real sample clips. Every check reads the output
// back with libav (each frame decoded) and compares it with the source read the same way.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>

#include "encode_checks_util.hpp"
#include "media_check_util.hpp"

using namespace pvenc::e2e;

namespace {

// A 320x240 30 fps H.264 clip with a keyframe every 0.5 s (so 1 s segments are possible) and
// PCM audio, in Matroska: no audio priming, so the source's timeline is exact.
std::string segmentable_source(const temp_dir& dir, double seconds, media_facts& facts) {
  std::vector<std::string> args = test_video("320x240", 30, seconds);
  for (const auto& a : test_tone(seconds)) args.push_back(a);
  for (const char* a : {"-c:v", "libx264", "-preset", "ultrafast", "-g", "15", "-pix_fmt",
                        "yuv420p", "-c:a", "pcm_s16le"})
    args.push_back(a);
  return make_source(dir, "source.mkv", args, facts);
}

// Encodes a generated clip with one codec pair and checks the output completely.
// `allowed_shift_s`: FFmpeg's Matroska muxer cannot store the audio encoder's priming as
// negative timestamps and delays every stream by it (ffmpeg's CLI does the same); MP4 stores
// it in an edit list, so no delay is accepted there.
void check_codec_pair(const std::string& video, const std::string& audio, const std::string& ext,
                      double seconds, double allowed_shift_s, int timeout_s) {
  temp_dir dir;
  media_facts source;
  std::string input = segmentable_source(dir, seconds, source);
  std::string output = dir.file("out." + ext);
  encode_run run = run_job(dir, job_toml(input, output, video, audio), output, timeout_s);
  require_success(run);
  const media_facts& out = run.output;
  CHECK(out.video.codec == (video == "h265" ? "hevc" : video));
  CHECK(out.video.width == 320);
  CHECK(out.video.height == 240);
  CHECK(out.video_streams == 1);
  REQUIRE(out.audio.present);
  CHECK(out.audio.codec == audio);
  CHECK(out.audio_streams == 1);
  check_same_frames(source, out, allowed_shift_s);
  check_durations(source, out);
  check_av_offset(source, out);
  check_report(run);
}

// Where fetch-sample-media keeps the real clips: $PVENC_MEDIA_DIR, else its default cache.
std::string sample_media_dir() {
  if (const char* dir = std::getenv("PVENC_MEDIA_DIR")) return dir;
  if (const char* cache = std::getenv("XDG_CACHE_HOME")) return std::string(cache) + "/pvenc-media";
  const char* home = std::getenv("HOME");
  return (home ? std::string(home) : fs::temp_directory_path().string()) + "/.cache/pvenc-media";
}

// The directory holding cockatoo.mp4 and realshort.mp4, or "" (with a MESSAGE) when they
// cannot be fetched (no network, no apt lists).
std::string fetch_samples() {
  std::string tool = source_dir() + "/../shared/tools/fetch-sample-media";
  if (!fs::exists(tool)) {
    MESSAGE("skipped: no ", tool);
    return "";
  }
  command_result r = run_command({tool, sample_media_dir()}, 180);
  std::string dir = sample_media_dir();
  if (r.exit_code != 0 || !fs::exists(dir + "/cockatoo.mp4") ||
      !fs::exists(dir + "/realshort.mp4")) {
    MESSAGE("skipped: fetch-sample-media failed (", r.exit_code, "): ", r.err);
    return "";
  }
  return dir;
}

}  // namespace

TEST_CASE("h264 + aac in .mp4") {
  check_codec_pair("h264", "aac", "mp4", 3.0, 0, 120);
}

TEST_CASE("h265 + aac in .mkv") {
  check_codec_pair("h265", "aac", "mkv", 3.0, 0.022, 120);
}

TEST_CASE("vp9 + opus in .webm") {
  check_codec_pair("vp9", "opus", "webm", 3.0, 0.007, 120);
}

TEST_CASE("av1 + opus in .mkv") {
  // Tiny, and a shorter timeout: a fast AV1 encode of 45 frames takes seconds.
  check_codec_pair("av1", "opus", "mkv", 1.5, 0.007, 60);
}

TEST_CASE("without [segments] keys a short video is cut into 4 segments per worker") {
  temp_dir dir;
  media_facts source;
  std::string input = segmentable_source(dir, 8.0, source);  // keyframes every 0.5 s
  std::string output = dir.file("out.mp4");
  auto job = [&](const std::string& segments) {
    return "[input]\npath = '" + input + "'\n[output]\npath = '" + output +
           "'\n[video]\ncodec = 'h264'\nspeed = 'ultrafast'\n[audio]\ncodec = 'aac'\n" + segments +
           "[workers]\ncount = 2\n";
  };
  SUBCASE("8 s for 2 workers: 8 segments of 1 s, below the 2 s default minimum") {
    encode_run run = run_job(dir, job(""), output);
    require_success(run);
    check_same_frames(source, run.output);
    check_report(run, 8);
    REQUIRE(run.report["segments"].size() == 8);
    for (const auto& segment : run.report["segments"]) CHECK(segment["frames"] == 30);
  }
  SUBCASE("an explicit min_duration still holds") {
    encode_run run = run_job(dir, job("[segments]\nmin_duration = 2.0\n"), output);
    require_success(run);
    check_same_frames(source, run.output);
    REQUIRE(run.report["segments"].size() == 4);
    for (const auto& segment : run.report["segments"]) CHECK(segment["frames"] == 60);
  }
}

TEST_CASE("without segment lengths the last wave of segments is shorter, and handed out last") {
  temp_dir dir;
  media_facts source;
  std::string input = segmentable_source(dir, 80.0, source);  // keyframes every 0.5 s
  std::string output = dir.file("out.mp4");
  std::string job = "[input]\npath = '" + input + "'\n[output]\npath = '" + output +
                    "'\n[video]\ncodec = 'h264'\nspeed = 'ultrafast'\n[audio]\ncodec = 'none'\n"
                    "[segments]\nrebalance = false\n[workers]\ncount = 2\n";  // the plan only
  encode_run run = run_job(dir, job, output);
  require_success(run);
  CHECK(run.output.video.frames == source.video.frames);
  // 80 s for 2 workers: 10 s segments, the last 20 s (one wave) in 2.5 s ones.
  const auto& segments = run.report["segments"];
  REQUIRE(segments.size() == 14);
  double last_main_start = 0, first_tail_start = 1e9;
  for (const auto& segment : segments) {
    double start = segment["start_s"].get<double>();
    double began = segment["attempt_log"].at(0)["start_s"].get<double>();
    CAPTURE(start);
    if (start < 60.0 - 1e-6) {
      CHECK(segment["frames"] == 300);
      last_main_start = std::max(last_main_start, began);
    } else {
      CHECK(segment["frames"] == 75);
      first_tail_start = std::min(first_tail_start, began);
    }
  }
  CHECK(first_tail_start >= last_main_start);
}

TEST_CASE("a variable-frame-rate source keeps its exact timestamps") {
  temp_dir dir;
  media_facts source;
  // 30 fps, then a 0.5 s gap after frame 30: frame intervals of 1/30 s and 0.533 s.
  std::vector<std::string> args = test_video("320x240", 30, 3);
  for (const auto& a : test_tone(3.5)) args.push_back(a);
  for (const char* a :
       {"-vf", "setpts='N/30/TB + if(gt(N,30),0.5/TB,0)'", "-fps_mode", "passthrough", "-c:v",
        "libx264", "-preset", "ultrafast", "-g", "15", "-c:a", "pcm_s16le"})
    args.push_back(a);
  std::string input = make_source(dir, "vfr.mkv", args, source);
  REQUIRE(is_variable_rate(source.video.pts_s));
  REQUIRE(source.video.frames == 90);

  std::string output = dir.file("out.mp4");
  encode_run run = run_job(dir, job_toml(input, output), output);
  require_success(run);
  CHECK(is_variable_rate(run.output.video.pts_s));
  check_same_frames(source, run.output);
  check_durations(source, run.output);
  check_report(run);
}

TEST_CASE("frame_rate = 15 on a 30 fps source halves the frames over the same time") {
  temp_dir dir;
  media_facts source;
  std::string input = segmentable_source(dir, 3.0, source);
  std::string output = dir.file("out.mp4");
  encode_run run =
      run_job(dir, job_toml(input, output, "h264", "aac", "frame_rate = 15\n"), output);
  require_success(run);
  const video_facts& out = run.output.video;
  INFO("output frames: ", out.frames, ", from ", out.start_s, " s for ", out.duration_s(), " s");
  CHECK(out.decode_errors == 0);
  CHECK(std::llabs(out.frames - source.video.frames / 2) <= 1);
  std::vector<double> pts = out.pts_s;
  std::size_t uneven = 0;
  for (std::size_t i = 1; i < pts.size(); ++i)
    if (std::fabs(pts[i] - pts[i - 1] - 1.0 / 15) > 0.002) ++uneven;
  CHECK(uneven == 0);
  CHECK(std::fabs(out.start_s - source.video.start_s) < 1.0 / 30);
  CHECK(std::fabs(out.duration_s() - source.video.duration_s()) < 1.0 / 15);
  check_report(run);
}

TEST_CASE("resolution = \"160x120\" scales every frame") {
  temp_dir dir;
  media_facts source;
  std::string input = segmentable_source(dir, 2.0, source);
  std::string output = dir.file("out.mkv");
  encode_run run =
      run_job(dir, job_toml(input, output, "h264", "aac", "resolution = '160x120'\n"), output);
  require_success(run);
  CHECK(run.output.video.width == 160);
  CHECK(run.output.video.height == 120);
  check_same_frames(source, run.output, 0.022);  // AAC in Matroska: see check_codec_pair
  check_report(run);
}

TEST_CASE("the real sample clips") {
  std::string media = fetch_samples();
  if (media.empty()) return;

  SUBCASE("cockatoo.mp4: 720p yuv444p H.264, 3 keyframes, MP3 audio with priming") {
    temp_dir dir;
    media_facts source = read_media(media + "/cockatoo.mp4");
    REQUIRE(source.error.empty());
    REQUIRE(source.video.decode_errors == 0);
    std::string output = dir.file("cockatoo.mp4");
    std::string toml = job_toml(media + "/cockatoo.mp4", output);
    toml.replace(toml.find("[segments]\n"), 11, "[segments]\nscene_detect = true\n");
    encode_run run = run_job(dir, toml, output);
    require_success(run);
    CHECK(run.output.video.pixel_format == source.video.pixel_format);
    check_same_frames(source, run.output);
    check_durations(source, run.output);
    check_av_offset(source, run.output, av_measure::declared_start);  // its audio is silent
    check_report(run);
    // One continuous shot with fast camera moves: no scene cut may be found in it.
    REQUIRE(run.report.contains("scene_cuts_s"));
    CHECK(run.report["scene_cuts_s"].empty());
  }
  SUBCASE("realshort.mp4") {
    temp_dir dir;
    media_facts source = read_media(media + "/realshort.mp4");
    REQUIRE(source.error.empty());
    std::string output = dir.file("realshort.mp4");
    encode_run run = run_job(dir, job_toml(media + "/realshort.mp4", output), output);
    require_success(run);
    CHECK(run.output.audio.present == source.audio.present);
    check_same_frames(source, run.output);
    check_durations(source, run.output);
    if (source.audio.present) check_av_offset(source, run.output, av_measure::declared_start);
    check_report(run, 1);  // 1.2 s with 2 keyframes: one segment is a fine plan
  }
}
