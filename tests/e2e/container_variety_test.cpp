// End-to-end encodes of sources in older containers whose packets lack timestamps: MPEG-2 in
// MPEG-PS with B-frames, MPEG-4 Part 2 in AVI, a raw H.264 elementary stream.
#include <doctest/doctest.h>

#include "encode_checks_util.hpp"
#include "media_check_util.hpp"

using namespace pvenc::e2e;

namespace {

void check_round_trip(const std::string& name, const std::vector<std::string>& codec_options) {
  temp_dir dir;
  media_facts source;
  std::vector<std::string> args = test_video("352x288", 25, 3);
  args.insert(args.end(), codec_options.begin(), codec_options.end());
  std::string input = make_source(dir, name, args, source);
  std::string output = dir.file("out.mkv");
  encode_run run = run_job(dir, job_toml(input, output, "h264", "none"), output);
  require_success(run);
  CHECK(run.output.video.decode_errors == 0);
  CHECK(run.output.video.frames == source.video.frames);
  // Timestamps strictly increase: no frame shown twice, none lost.
  const auto& pts = run.output.video.pts_s;
  for (std::size_t i = 1; i < pts.size(); ++i) CHECK(pts[i] > pts[i - 1]);
  check_report(run, 2);
}

}  // namespace

TEST_CASE("MPEG-2 with B-frames in MPEG-PS (packets without pts)") {
  check_round_trip("src.mpg", {"-c:v", "mpeg2video", "-g", "12", "-bf", "2"});
}

TEST_CASE("MPEG-4 Part 2 with B-frames in AVI") {
  check_round_trip("src.avi", {"-c:v", "mpeg4", "-g", "12", "-bf", "2"});
}

TEST_CASE("a raw H.264 elementary stream with B-frames (no timestamps at all)") {
  check_round_trip("src.h264", {"-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-bf", "2"});
}

TEST_CASE("damaged packets in the middle: concealed with a warning, every frame kept") {
  temp_dir dir;
  media_facts clean;
  std::vector<std::string> args = test_video("352x288", 25, 4);
  for (const char* a : {"-c:v", "libx264", "-preset", "ultrafast", "-g", "25"}) args.push_back(a);
  std::string input = make_source(dir, "clean.mkv", args, clean);
  // Overwrite 3000 bytes at 35 % and at 60 % of the file with a fixed pseudo-random pattern.
  std::string data = read_text(input);
  std::uint32_t x = 12345;
  for (double at : {0.35, 0.6})
    for (std::size_t i = 0; i < 3000; ++i) {
      x = x * 1664525u + 1013904223u;
      data[static_cast<std::size_t>(data.size() * at) + i] = static_cast<char>(x >> 24);
    }
  std::string damaged = write_text(dir.file("damaged.mkv"), data);
  std::string output = dir.file("out.mkv");
  encode_run run = run_job(dir, job_toml(damaged, output, "h264", "none"), output);
  require_success(run);
  CHECK(run.output.video.decode_errors == 0);  // the output itself is clean
  CHECK(run.output.video.frames == read_media(damaged).video.frames);
  CHECK(run.result.err.find("damaged source") != std::string::npos);
  int damage = 0;
  for (const auto& s : run.report["segments"]) damage += s.value("damaged_source", 0);
  CHECK(damage > 0);
}
