// parse_job / load_job: defaults, every key, units and presets.
#include "config/job_loader.hpp"

#include <doctest/doctest.h>
#include "tests/config/job_test_util.hpp"

using namespace pvenc::config::test;

TEST_CASE("a minimal job gets every default") {
  job_fixture f;
  job j = f.parse("");
  job defaults;
  CHECK(j.source == "job.toml");
  CHECK(j.preset.empty());
  CHECK(j.input.path == f.input());
  CHECK(j.output.path == f.output());
  CHECK(j.output.overwrite);
  CHECK(j.video.codec == defaults.video.codec);
  CHECK(j.video.mode == rate_mode::crf);
  CHECK(j.video.crf == defaults.video.crf);
  CHECK(j.video.bitrate == 0);
  CHECK(j.video.speed == "medium");
  CHECK(j.video.width == 0);
  CHECK(j.video.height == 0);
  CHECK(j.video.frame_rate_num == 0);
  CHECK(j.video.frame_rate_den == 0);
  CHECK_FALSE(j.video.gpu);
  CHECK(j.audio.codec == "aac");
  CHECK(j.audio.bitrate == 128000);
  CHECK(j.segments.duration == 10.0);
  CHECK(j.segments.min_duration == 2.0);
  CHECK(j.segments.rebalance);
  CHECK(j.workers.count == -1);  // one per CPU core
  CHECK(j.workers.threads == 0);  // not given: the cores decide
  CHECK(j.retry.max_attempts == 3);
  CHECK(j.retry.crf_step == 4);
  CHECK(j.retry.segment_timeout == 0);
  CHECK(j.faults.fail_segments.empty());
  CHECK(j.faults.fail_attempts == 1);
  CHECK(j.faults.crash_segments.empty());
  CHECK(j.faults.stall_segments.empty());
}

TEST_CASE("every key parses") {
  job_fixture f;
  job j = f.parse(R"(
[video]
codec = "vp9"
crf = 40
speed = "slow"
resolution = "1920x1080"
frame_rate = 25
gpu = true
[audio]
codec = "opus"
bitrate = "96k"
[segments]
duration = 6.5
min_duration = 1
rebalance = false
[workers]
count = 4
threads = 2
[retry]
max_attempts = 5
crf_step = 2
segment_timeout = 30
[faults]
fail_segments = [1, 3]
fail_attempts = 2
crash_segments = [2]
stall_segments = [4, 0]
)",
                  f.dir().file("out.mkv"));
  CHECK(j.video.codec == "vp9");
  CHECK(j.video.crf == 40);
  CHECK(j.video.speed == "slow");
  CHECK(j.video.width == 1920);
  CHECK(j.video.height == 1080);
  CHECK(j.video.frame_rate_num == 25);
  CHECK(j.video.frame_rate_den == 1);
  CHECK(j.video.gpu);
  CHECK(j.audio.codec == "opus");
  CHECK(j.audio.bitrate == 96000);
  CHECK(j.segments.duration == 6.5);
  CHECK(j.segments.min_duration == 1.0);
  CHECK_FALSE(j.segments.rebalance);
  CHECK(j.workers.count == 4);
  CHECK(j.workers.threads == 2);
  CHECK(j.retry.max_attempts == 5);
  CHECK(j.retry.crf_step == 2);
  CHECK(j.retry.segment_timeout == 30.0);
  CHECK(j.faults.fail_segments == std::vector<int>{1, 3});
  CHECK(j.faults.fail_attempts == 2);
  CHECK(j.faults.crash_segments == std::vector<int>{2});
  CHECK(j.faults.stall_segments == std::vector<int>{4, 0});
}

TEST_CASE("output.overwrite and lavfi input") {
  job_fixture f;
  std::string text = "[input]\npath = 'lavfi:testsrc2=duration=2'\n" +
                     f.output_section(f.output()) + "overwrite = false\n";
  job j = parse_job(text, "job.toml");
  CHECK(j.input.path == "lavfi:testsrc2=duration=2");
  CHECK_FALSE(j.output.overwrite);
}

TEST_CASE("quality maps through the final codec") {
  job_fixture f;
  job h264 = f.parse("[video]\nquality = \"high\"");
  CHECK(h264.video.mode == rate_mode::crf);
  CHECK(h264.video.crf == 20);
  job av1 = f.parse("[video]\nquality = \"ultra\"\ncodec = \"av1\"");
  CHECK(av1.video.crf == 20);
  job vp9 = f.parse("[video]\nquality = \"low\"\ncodec = \"vp9\"");
  CHECK(vp9.video.crf == 40);
  job h265 = f.parse("preset = \"quality\"\n[video]\nquality = \"medium\"");
  CHECK(h265.video.crf == 26);
}

TEST_CASE("video.bitrate and audio.bitrate accept k/M suffixes and plain bits/s") {
  job_fixture f;
  auto video_rate = [&](const std::string& value) {
    job j = f.parse("[video]\nbitrate = " + value);
    CHECK(j.video.mode == rate_mode::bitrate);
    return j.video.bitrate;
  };
  CHECK(video_rate("\"2M\"") == 2'000'000);
  CHECK(video_rate("\"800k\"") == 800'000);
  CHECK(video_rate("\"2.5M\"") == 2'500'000);
  CHECK(video_rate("\"1500K\"") == 1'500'000);
  CHECK(video_rate("\"1G\"") == 1'000'000'000);
  CHECK(video_rate("\"64000\"") == 64'000);
  CHECK(video_rate("3000000") == 3'000'000);
  CHECK(f.parse("[audio]\nbitrate = \"192k\"").audio.bitrate == 192'000);
  CHECK(f.parse("[audio]\nbitrate = 64000").audio.bitrate == 64'000);
}

TEST_CASE("malformed or out-of-range bitrates name the key and line") {
  job_fixture f;
  for (std::string value :
       {"\"2X\"", "\"-1M\"", "\"\"", "\"M\"", "\"1e6\"", "\"2 M\"", "500", "\"2000M\"", "-5"}) {
    CAPTURE(value);
    std::string message = error_of(f.text("[video]\nbitrate = " + value));
    CHECK(has(message, "job.toml:2: video.bitrate = "));
  }
  CHECK(has(error_of(f.text("[video]\nbitrate = true")),
            "job.toml:2: video.bitrate: expected a string like \"2M\" or an integer"));
  CHECK(has(error_of(f.text("[audio]\nbitrate = \"2M\"")), "job.toml:2: audio.bitrate = \"2M\""));
}

TEST_CASE("video.frame_rate: integers, decimals, NTSC rates and fractions") {
  job_fixture f;
  auto rate = [&](const std::string& value) {
    job j = f.parse("[video]\nframe_rate = " + value);
    return std::to_string(j.video.frame_rate_num) + "/" + std::to_string(j.video.frame_rate_den);
  };
  CHECK(rate("30") == "30/1");
  CHECK(rate("25.0") == "25/1");
  CHECK(rate("29.97") == "30000/1001");
  CHECK(rate("23.976") == "24000/1001");
  CHECK(rate("59.94") == "60000/1001");
  CHECK(rate("12.5") == "25/2");
  CHECK(rate("23.98") == "1199/50");
  CHECK(rate("\"30000/1001\"") == "30000/1001");
  CHECK(rate("\"60/2\"") == "30/1");
  CHECK(rate("\"24\"") == "24/1");
  CHECK(rate("\"29.97\"") == "30000/1001");
  CHECK(rate("1000") == "1000/1");
}

TEST_CASE("bad video.frame_rate values are errors") {
  job_fixture f;
  for (std::string value : {"0", "-1", "1001", "1000.5", "0.0", "-29.97", "nan", "inf", "\"0/1\"",
                            "\"30/0\"", "\"abc\"", "\"30/\"", "\"2000/1\"", "\"\""}) {
    CAPTURE(value);
    CHECK(
        has(error_of(f.text("[video]\nframe_rate = " + value)), "job.toml:2: video.frame_rate = "));
  }
  CHECK(has(error_of(f.text("[video]\nframe_rate = [30]")),
            "job.toml:2: video.frame_rate: expected a number"));
}

TEST_CASE("video.resolution") {
  job_fixture f;
  job j = f.parse("[video]\nresolution = \"1280x720\"");
  CHECK(j.video.width == 1280);
  CHECK(j.video.height == 720);
  job odd = f.parse("[video]\nresolution = \"16384x1\"");
  CHECK(odd.video.width == 16384);
  CHECK(odd.video.height == 1);
  for (std::string value : {"0x0", "0x720", "-1280x720", "1280", "1280X720", "1280x720x3",
                            "16385x100", "x720", "1280 x 720", ""}) {
    CAPTURE(value);
    CHECK(has(error_of(f.text("[video]\nresolution = \"" + value + "\"")),
              "job.toml:2: video.resolution = \"" + value + "\""));
  }
  CHECK(has(error_of(f.text("[video]\nresolution = 720")),
            "job.toml:2: video.resolution: expected a string, got an integer"));
}
