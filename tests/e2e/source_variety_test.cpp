// End-to-end encodes of awkward sources: odd sizes, 4:4:4 and RGB pixels, no audio, audio that
// starts before the video, AAC priming, sparse keyframes and open GOPs. Outputs are read back
// with libav and compared with the source, frame by frame.
#include <doctest/doctest.h>

#include "encode_checks_util.hpp"
#include "media_check_util.hpp"

using namespace pvenc::e2e;

namespace {

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// testsrc2 video plus a tone, both `seconds` long, then `options` (codecs, filters).
std::vector<std::string> video_and_tone(const std::string& size, double seconds,
                                        const std::vector<std::string>& options) {
  return concat(concat(test_video(size, 30, seconds), test_tone(seconds)), options);
}

}  // namespace

TEST_CASE("an odd-sized yuv420p source is encoded at an even size with every frame") {
  temp_dir dir;
  media_facts source;
  // testsrc2 only makes even sizes: scale to 321x241 and keep it losslessly (FFV1, all intra).
  std::string input = make_source(
      dir, "odd.mkv",
      video_and_tone("320x240", 2,
                     {"-vf", "scale=321:241,format=yuv420p", "-c:v", "ffv1", "-c:a", "pcm_s16le"}),
      source);
  REQUIRE(source.video.width == 321);
  REQUIRE(source.video.height == 241);
  std::string output = dir.file("out.mp4");
  encode_run run = run_job(dir, job_toml(input, output), output);
  require_success(run);
  CHECK(run.output.video.width == 320);
  CHECK(run.output.video.height == 240);
  check_same_frames(source, run.output);
  check_durations(source, run.output);
  check_report(run);
}

TEST_CASE("a yuv444p source stays yuv444p with h264") {
  temp_dir dir;
  media_facts source;
  std::string input =
      make_source(dir, "444.mkv",
                  video_and_tone("320x240", 2,
                                 {"-pix_fmt", "yuv444p", "-c:v", "libx264", "-preset", "ultrafast",
                                  "-g", "15", "-c:a", "pcm_s16le"}),
                  source);
  REQUIRE(source.video.pixel_format == "yuv444p");
  std::string output = dir.file("out.mp4");
  encode_run run = run_job(dir, job_toml(input, output), output);
  require_success(run);
  CHECK(run.output.video.codec == "h264");
  CHECK(run.output.video.pixel_format == "yuv444p");
  check_same_frames(source, run.output);
  check_report(run);
}

TEST_CASE("an rgb24 source (QuickTime RLE in .mov) encodes") {
  temp_dir dir;
  media_facts source;
  std::string input = make_source(
      dir, "rgb.mov",
      video_and_tone("320x240", 2,
                     {"-pix_fmt", "rgb24", "-c:v", "qtrle", "-g", "15", "-c:a", "pcm_s16le"}),
      source);
  REQUIRE(source.video.pixel_format == "rgb24");
  std::string output = dir.file("out.mp4");
  encode_run run = run_job(dir, job_toml(input, output), output);
  require_success(run);
  CHECK(run.output.video.codec == "h264");
  CHECK(run.output.video.pixel_format.find("yuv") == 0);
  check_same_frames(source, run.output);
  check_durations(source, run.output);
  check_report(run);
}

TEST_CASE("a source without audio gives an output without audio") {
  temp_dir dir;
  media_facts source;
  std::string input = make_source(
      dir, "silent.mp4",
      concat(test_video("320x240", 30, 2),
             {"-c:v", "libx264", "-preset", "ultrafast", "-g", "15", "-pix_fmt", "yuv420p"}),
      source);
  REQUIRE_FALSE(source.audio.present);
  std::string output = dir.file("out.mp4");
  encode_run run = run_job(dir, job_toml(input, output), output);
  require_success(run);
  CHECK(run.output.audio_streams == 0);
  check_same_frames(source, run.output);
  check_report(run);
}

TEST_CASE("audio that starts 0.5 s before the video stays 0.5 s before it") {
  temp_dir dir;
  media_facts source;
  std::vector<std::string> args = test_video("320x240", 30, 3);
  args = concat(args, {"-itsoffset", "-0.5"});
  args = concat(args, test_tone(3.5));
  args = concat(args, {"-c:v", "libx264", "-preset", "ultrafast", "-g", "15", "-pix_fmt", "yuv420p",
                       "-c:a", "pcm_s16le"});
  std::string input = make_source(dir, "early_audio.mkv", args, source);
  INFO("source video from ", source.video.start_s, " s, sound from ", source.audio.onset_s, " s");
  REQUIRE(source.audio.onset_s >= 0);
  REQUIRE(source.video.start_s - source.audio.onset_s > 0.45);
  std::string output = dir.file("out.mp4");
  encode_run run = run_job(dir, job_toml(input, output), output);
  require_success(run);
  check_av_offset(source, run.output);
  check_same_frames(source, run.output);
  check_durations(source, run.output);
  check_report(run);
}

TEST_CASE("an MP4 source with AAC audio (encoder priming) keeps its timeline") {
  // The first AAC packet of such files has a negative pts and is skipped by the decoder: the
  // audio is heard from 0, with the first video frame. Nothing should move.
  temp_dir dir;
  media_facts source;
  std::string input = make_source(dir, "aac.mp4",
                                  video_and_tone("320x240", 3,
                                                 {"-c:v", "libx264", "-preset", "ultrafast", "-g",
                                                  "15", "-pix_fmt", "yuv420p", "-c:a", "aac"}),
                                  source);
  REQUIRE(source.audio.first_pts_s < 0);
  std::string output = dir.file("out.mp4");
  encode_run run = run_job(dir, job_toml(input, output), output);
  require_success(run);
  check_same_frames(source, run.output);
  check_av_offset(source, run.output);
  check_av_offset(source, run.output, av_measure::declared_start);
  check_durations(source, run.output);
  check_report(run);
}

TEST_CASE("sparse keyframes: only the first frame is a keyframe") {
  temp_dir dir;
  media_facts source;
  std::string input = make_source(
      dir, "sparse.mkv",
      video_and_tone("320x240", 3,
                     {"-c:v", "libx264", "-preset", "veryfast", "-g", "1000", "-sc_threshold", "0",
                      "-pix_fmt", "yuv420p", "-c:a", "pcm_s16le"}),
      source);
  REQUIRE(source.video.keyframe_packets == 1);
  std::string output = dir.file("out.mkv");
  encode_run run = run_job(dir, job_toml(input, output, "h264", "opus"), output);
  require_success(run);
  check_same_frames(source, run.output, 0.007);  // Opus priming in Matroska: see encode_test
  check_durations(source, run.output);
  check_report(run, 1);  // nowhere to cut: one segment
}

TEST_CASE("open GOP: recovery-point I frames with leading B frames") {
  temp_dir dir;
  media_facts source;
  std::string input =
      make_source(dir, "open_gop.mkv",
                  video_and_tone("320x240", 3,
                                 {"-c:v", "libx264", "-preset", "veryfast", "-x264-params",
                                  "keyint=30:min-keyint=30:open-gop=1:scenecut=0:bframes=3",
                                  "-pix_fmt", "yuv420p", "-c:a", "pcm_s16le"}),
                  source);
  INFO("source keyframe packets: ", source.video.keyframe_packets);
  REQUIRE(source.video.keyframe_packets >= 3);
  std::string output = dir.file("out.mp4");
  encode_run run = run_job(dir, job_toml(input, output), output);
  require_success(run);
  check_same_frames(source, run.output);
  check_durations(source, run.output);
  check_report(run);
}
