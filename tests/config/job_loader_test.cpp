// parse_job / load_job: defaults, every key, presets, and one test per validation rule that
// checks the message names the key (and the line, where the key is in the file).
#include "config/job_loader.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace fs = std::filesystem;
using pvenc::config::job;
using pvenc::config::job_error;
using pvenc::config::load_job;
using pvenc::config::parse_job;
using pvenc::config::rate_mode;

namespace {

// A fresh directory under the system's temp directory, removed with everything in it.
class temp_dir {
 public:
  temp_dir() {
    std::random_device random;
    path_ = fs::temp_directory_path() /
            ("pvenc_config_test_" + std::to_string(::getpid()) + "_" + std::to_string(random()));
    fs::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const fs::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(file(name)) << text;
    return file(name);
  }

 private:
  fs::path path_;
};

// A temp dir with an input file "in.mov"; jobs read it and write "out.mp4" next to it.
class job_fixture {
 public:
  job_fixture() { input_ = dir_.write("in.mov", "not really a movie"); }

  const temp_dir& dir() const { return dir_; }
  const std::string& input() const { return input_; }
  std::string output() const { return dir_.file("out.mp4"); }

  std::string input_section() const { return "[input]\npath = '" + input_ + "'\n"; }
  std::string output_section(const std::string& path) const {
    return "[output]\npath = '" + path + "'\n";
  }
  // `head` first (so its line numbers are the file's), then [input] and [output].
  std::string text(const std::string& head, const std::string& output_path = "") const {
    return head + "\n" + input_section() +
           output_section(output_path.empty() ? output() : output_path);
  }
  job parse(const std::string& head, const std::string& output_path = "") const {
    return parse_job(text(head, output_path), "job.toml");
  }

 private:
  temp_dir dir_;
  std::string input_;
};

// The job_error message parse_job raises for `text`; "" (and a failed check) if none.
std::string error_of(const std::string& text) {
  try {
    parse_job(text, "job.toml");
  } catch (const job_error& e) {
    return e.what();
  }
  FAIL_CHECK("no job_error for:\n" << text);
  return "";
}

// Changes the working directory for its lifetime.
class scoped_cwd {
 public:
  explicit scoped_cwd(const fs::path& dir) : old_(fs::current_path()) { fs::current_path(dir); }
  ~scoped_cwd() { fs::current_path(old_); }
  scoped_cwd(const scoped_cwd&) = delete;
  scoped_cwd& operator=(const scoped_cwd&) = delete;

 private:
  fs::path old_;
};

bool has(const std::string& message, const std::string& part) {
  return message.find(part) != std::string::npos;
}

}  // namespace

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
  CHECK(j.workers.count == 0);
  CHECK(j.workers.threads == 1);
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

TEST_CASE("TOML syntax errors give the line") {
  job_fixture f;
  std::string message = error_of("[video]\ncrf = 23\ncodec = \n");
  CHECK(has(message, "job.toml:3: invalid TOML: "));
  CHECK(has(error_of("[video\n"), "job.toml:1: invalid TOML"));
  CHECK(has(error_of(f.input_section() + f.input_section()), "job.toml:3: invalid TOML"));
}

TEST_CASE("unknown keys and sections") {
  job_fixture f;
  CHECK(has(error_of(f.text("[video]\ncodec = \"h264\"\n\ncodecc = \"h265\"")),
            "job.toml:4: unknown key video.codecc"));
  CHECK(has(error_of(f.text("presett = \"fast\"")), "job.toml:1: unknown key presett"));
  CHECK(has(error_of(f.text("[vidoe]\ncrf = 20")), "job.toml:1: unknown section [vidoe]"));
  CHECK(has(error_of(f.input_section() + f.output_section(f.output()) + "backup = 1\n"),
            "job.toml:5: unknown key output.backup"));
  CHECK(has(error_of(f.text("video = 3")), "job.toml:1: video: expected a table, got an integer"));
  CHECK(has(error_of(f.text("[[faults]]\nfail_attempts = 1")), "faults: expected a table"));
}

TEST_CASE("wrong types name the key, the expected and the actual type") {
  job_fixture f;
  CHECK(has(error_of(f.text("[video]\ncrf = \"23\"")),
            "job.toml:2: video.crf: expected an integer, got a string"));
  CHECK(has(error_of(f.text("[video]\ncrf = 23.5")),
            "job.toml:2: video.crf: expected an integer, got a floating-point number"));
  CHECK(has(error_of(f.text("[video]\ngpu = 1")), "job.toml:2: video.gpu: expected a boolean"));
  CHECK(has(error_of(f.text("[video]\ncodec = 264")), "video.codec: expected a string"));
  CHECK(has(error_of(f.text("[segments]\nduration = \"10\"")),
            "job.toml:2: segments.duration: expected a number, got a string"));
  CHECK(has(error_of(f.text("preset = 1")), "job.toml:1: preset: expected a string"));
  CHECK(has(error_of("[input]\npath = 5\n"), "job.toml:2: input.path: expected a string"));
  CHECK(has(error_of(f.text("[faults]\nfail_segments = 3")),
            "job.toml:2: faults.fail_segments: expected an array of integers, got an integer"));
  CHECK(has(error_of(f.text("[faults]\ncrash_segments = [1,\n \"2\"]")),
            "job.toml:3: faults.crash_segments[1]: expected an integer, got a string"));
}

TEST_CASE("integers are accepted where numbers are expected") {
  job_fixture f;
  job j = f.parse("[segments]\nduration = 10\nmin_duration = 0\n[retry]\nsegment_timeout = 5");
  CHECK(j.segments.duration == 10.0);
  CHECK(j.segments.min_duration == 0.0);
  CHECK(j.retry.segment_timeout == 5.0);
}

TEST_CASE("video.crf is checked against the final codec") {
  job_fixture f;
  CHECK(f.parse("[video]\ncrf = 0").video.crf == 0);
  CHECK(f.parse("[video]\ncrf = 51").video.crf == 51);
  CHECK(f.parse("[video]\ncrf = 63\ncodec = \"av1\"").video.crf == 63);
  std::string message = error_of(f.text("\n\n[video]\n\n\n\ncrf = 80"));
  CHECK(message == "job.toml:7: video.crf = 80: must be between 0 and 51");
  CHECK(has(error_of(f.text("[video]\ncrf = 60")), "job.toml:2: video.crf = 60"));
  CHECK(has(error_of(f.text("[video]\ncrf = -1")), "must be between 0 and 51"));
  CHECK(has(error_of(f.text("[video]\ncrf = 64\ncodec = \"vp9\"")), "must be between 0 and 63"));
  CHECK(has(error_of(f.text("preset = \"quality\"\n[video]\ncrf = 55")),
            "job.toml:3: video.crf = 55: must be between 0 and 51"));
}

TEST_CASE("crf, bitrate and quality exclude each other") {
  job_fixture f;
  CHECK(has(error_of(f.text("[video]\ncrf = 20\nbitrate = \"2M\"")),
            "job.toml:3: video.bitrate: cannot be combined with video.crf"));
  CHECK(has(error_of(f.text("[video]\nquality = \"high\"\ncrf = 20")),
            "video.quality: cannot be combined with video.crf"));
  CHECK(has(error_of(f.text("[video]\nbitrate = 100000\nquality = \"high\"")),
            "video.quality: cannot be combined with video.bitrate"));
}

TEST_CASE("unknown names list the allowed values") {
  job_fixture f;
  CHECK(error_of(f.text("[video]\ncodec = \"h266\"")) ==
        "job.toml:2: video.codec = \"h266\": unknown codec (allowed: h264, h265, vp9, av1)");
  CHECK(has(error_of(f.text("[video]\nspeed = \"warp\"")),
            "job.toml:2: video.speed = \"warp\": unknown speed (allowed: ultrafast,"));
  CHECK(has(error_of(f.text("[video]\nquality = \"best\"")),
            "job.toml:2: video.quality = \"best\": unknown quality (allowed: low, medium, high, "
            "ultra)"));
  CHECK(has(error_of(f.text("[audio]\ncodec = \"mp3\"")),
            "job.toml:2: audio.codec = \"mp3\": unknown codec (allowed: aac, opus, copy, none)"));
  CHECK(has(error_of(f.text("preset = \"turbo\"")),
            "job.toml:1: preset = \"turbo\": unknown preset (allowed: fast, balanced, quality, "
            "4k)"));
}

TEST_CASE("presets apply first and explicit keys override them") {
  job_fixture f;
  job fast = f.parse("preset = \"fast\"");
  CHECK(fast.preset == "fast");
  CHECK(fast.video.codec == "h264");
  CHECK(fast.video.speed == "veryfast");
  CHECK(fast.video.crf == 26);
  job balanced = f.parse("preset = \"balanced\"");
  CHECK(balanced.video.speed == "medium");
  CHECK(balanced.video.crf == 23);
  job quality = f.parse("preset = \"quality\"");
  CHECK(quality.video.codec == "h265");
  CHECK(quality.video.speed == "slow");
  CHECK(quality.video.crf == 22);
  job uhd = f.parse("preset = \"4k\"");
  CHECK(uhd.video.codec == "h265");
  CHECK(uhd.video.crf == 24);
  CHECK(uhd.video.width == 3840);
  CHECK(uhd.video.height == 2160);

  job overridden = f.parse(
      "preset = \"4k\"\n[video]\ncodec = \"av1\"\ncrf = 30\nresolution = \"1920x1080\"\nspeed = "
      "\"fast\"");
  CHECK(overridden.preset == "4k");
  CHECK(overridden.video.codec == "av1");
  CHECK(overridden.video.crf == 30);
  CHECK(overridden.video.speed == "fast");
  CHECK(overridden.video.width == 1920);
  job by_rate = f.parse("preset = \"quality\"\n[video]\nbitrate = \"4M\"");
  CHECK(by_rate.video.codec == "h265");
  CHECK(by_rate.video.mode == rate_mode::bitrate);
  CHECK(by_rate.video.bitrate == 4'000'000);
}

TEST_CASE("codec/container pairs") {
  job_fixture f;
  CHECK(error_of(f.text("", f.dir().file("out.webm"))) ==
        "job.toml: video.codec = \"h264\" cannot be stored in .webm (accepts: vp9, av1)");
  CHECK(has(error_of(f.text("[video]\ncodec = \"h265\"\n[audio]\ncodec = \"opus\"",
                            f.dir().file("out.webm"))),
            "job.toml:2: video.codec = \"h265\" cannot be stored in .webm"));
  CHECK(has(error_of(f.text("[video]\ncodec = \"vp9\"", f.dir().file("out.webm"))),
            "job.toml: audio.codec = \"aac\" cannot be stored in .webm (accepts: opus, copy, "
            "none)"));
  CHECK(has(error_of(f.text("[audio]\ncodec = \"opus\"", f.dir().file("out.mov"))),
            "job.toml:2: audio.codec = \"opus\" cannot be stored in .mov"));
  CHECK(has(error_of(f.text("[video]\ncodec = \"vp9\"", f.dir().file("out.mov"))),
            "video.codec = \"vp9\" cannot be stored in .mov (accepts: h264, h265)"));
  job webm = f.parse("[video]\ncodec = \"av1\"\n[audio]\ncodec = \"none\"", f.dir().file("o.webm"));
  CHECK(webm.audio.codec == "none");
  CHECK(f.parse("", f.dir().file("OUT.MKV")).output.path == f.dir().file("OUT.MKV"));
}

TEST_CASE("output.path: container extension") {
  job_fixture f;
  std::string avi = error_of(f.text("", f.dir().file("out.avi")));
  CHECK(has(avi, "job.toml:5: output.path = "));
  CHECK(has(avi, "unknown container \".avi\""));
  CHECK(has(error_of(f.text("", f.dir().file("out"))), "no file extension"));
}

TEST_CASE("output.path: file system checks") {
  job_fixture f;
  CHECK(has(error_of(f.text("", f.input().substr(0, f.input().size() - 6) + "./in.mov")),
            "job.toml:5: output.path: same file as input.path"));
  CHECK(has(error_of(f.text("", f.dir().file("missing/out.mp4"))),
            "job.toml:5: output.path: directory does not exist: "));
  f.dir().write("file", "");
  CHECK(has(error_of(f.text("", f.dir().file("file/out.mp4"))),
            "job.toml:5: output.path: not a directory: "));
  fs::create_directory(f.dir().file("dir.mp4"));
  CHECK(has(error_of(f.text("", f.dir().file("dir.mp4"))), "output.path: is a directory"));
  f.dir().write("out.mp4", "old");
  CHECK(f.parse("").output.overwrite);  // overwrite = true: an existing output is fine
  std::string keep = f.input_section() + f.output_section(f.output()) + "overwrite = false\n";
  CHECK(has(error_of(keep), "job.toml:4: output.path: file exists and output.overwrite = false"));
  CHECK(has(error_of(f.input_section()), "job.toml: output.path is missing"));
  CHECK(has(error_of(f.input_section() + "[output]\npath = ''\n"),
            "job.toml:4: output.path = \"\": must not be empty"));
}

TEST_CASE("output.path: the directory must be writable") {
  if (::geteuid() == 0) return;  // root may write anywhere: nothing to check
  job_fixture f;
  fs::create_directory(f.dir().file("ro"));
  ::chmod(f.dir().file("ro").c_str(), 0555);
  CHECK(has(error_of(f.text("", f.dir().file("ro/out.mp4"))),
            "job.toml:5: output.path: directory is not writable: "));
  ::chmod(f.dir().file("ro").c_str(), 0755);
}

TEST_CASE("input.path checks") {
  job_fixture f;
  std::string out = f.output_section(f.output());
  CHECK(error_of("[input]\npath = 'x.mov'\n" + out) ==
        "job.toml:2: input.path: no such file: x.mov");
  CHECK(has(error_of("[input]\npath = '" + f.dir().path().string() + "'\n" + out),
            "job.toml:2: input.path: not a regular file: "));
  CHECK(has(error_of("[input]\npath = 'lavfi:'\n" + out),
            "job.toml:2: input.path = \"lavfi:\": \"lavfi:\" needs a filter graph"));
  CHECK(error_of(out) == "job.toml: input.path is missing");
  CHECK(has(error_of("[input]\npath = ''\n" + out), "input.path = \"\": must not be empty"));
}

TEST_CASE("relative paths resolve against the working directory and stay as given") {
  job_fixture f;
  scoped_cwd cwd(f.dir().path());
  job j = parse_job("[input]\npath = 'in.mov'\n[output]\npath = 'out.mp4'\n", "job.toml");
  CHECK(j.input.path == "in.mov");
  CHECK(j.output.path == "out.mp4");
  CHECK(has(error_of("[input]\npath = 'in.mov'\n[output]\npath = './in.mov'\n"),
            "job.toml:4: output.path: same file as input.path: ./in.mov"));
}

TEST_CASE("segments") {
  job_fixture f;
  for (std::string value : {"0", "-1", "3601", "nan", "inf"}) {
    CAPTURE(value);
    CHECK(has(error_of(f.text("[segments]\nduration = " + value)),
              "job.toml:2: segments.duration = "));
  }
  CHECK(f.parse("[segments]\nduration = 3600").segments.duration == 3600.0);
  CHECK(has(error_of(f.text("[segments]\nduration = 4\nmin_duration = 5")),
            "job.toml:3: segments.min_duration = 5: must be at most segments.duration (4)"));
  CHECK(has(error_of(f.text("[segments]\nmin_duration = -1")),
            "job.toml:2: segments.min_duration = -1"));
  job short_segments = f.parse("[segments]\nduration = 1.5");
  CHECK(short_segments.segments.min_duration == 1.5);
}

TEST_CASE("workers and retry ranges") {
  job_fixture f;
  CHECK(has(error_of(f.text("[workers]\ncount = 0")),
            "job.toml:2: workers.count = 0: must be at least 1"));
  CHECK(has(error_of(f.text("[workers]\ncount = 257")), "workers.count = 257: must be between"));
  CHECK(f.parse("[workers]\ncount = 256").workers.count == 256);
  CHECK(has(error_of(f.text("[workers]\nthreads = 0")), "job.toml:2: workers.threads = 0"));
  CHECK(has(error_of(f.text("[workers]\nthreads = 65")), "workers.threads = 65"));
  CHECK(has(error_of(f.text("[retry]\nmax_attempts = 0")),
            "job.toml:2: retry.max_attempts = 0: must be between 1 and 20"));
  CHECK(has(error_of(f.text("[retry]\nmax_attempts = 21")), "retry.max_attempts = 21"));
  CHECK(has(error_of(f.text("[retry]\ncrf_step = 21")), "retry.crf_step = 21"));
  CHECK(has(error_of(f.text("[retry]\ncrf_step = -1")), "retry.crf_step = -1"));
  CHECK(f.parse("[retry]\ncrf_step = 0").retry.crf_step == 0);
  CHECK(has(error_of(f.text("[retry]\nsegment_timeout = -0.5")), "retry.segment_timeout = -0.5"));
  CHECK(has(error_of(f.text("[retry]\nmax_attempts = 99999999999")),
            "retry.max_attempts = 99999999999"));
}

TEST_CASE("faults") {
  job_fixture f;
  CHECK(has(error_of(f.text("[faults]\nfail_segments = [1, -3]")),
            "job.toml:2: faults.fail_segments[1] = -3: must be between 0"));
  CHECK(has(error_of(f.text("[faults]\nstall_segments = [-1]")), "faults.stall_segments[0] = -1"));
  CHECK(
      has(error_of(f.text("[faults]\nfail_attempts = 0")), "job.toml:2: faults.fail_attempts = 0"));
  CHECK(f.parse("[faults]\nfail_segments = []").faults.fail_segments.empty());
}

TEST_CASE("messages stay on one line") {
  std::string message =
      error_of("[input]\npath = \"no\\nsuch\\tfile\"\n[output]\npath = 'x.mp4'\n");
  CHECK(message.find('\n') == std::string::npos);
  CHECK(has(message, "input.path: no such file: no\\nsuch\\tfile"));
}

TEST_CASE("load_job reads the file and names it") {
  job_fixture f;
  std::string path = f.dir().write("job.toml", f.text("[video]\ncrf = 30"));
  job j = load_job(path);
  CHECK(j.source == path);
  CHECK(j.video.crf == 30);

  std::string bad = f.dir().write("bad.toml", f.text("[video]\ncrf = 99"));
  try {
    load_job(bad);
    FAIL("no job_error");
  } catch (const job_error& e) {
    CHECK(std::string(e.what()) == bad + ":2: video.crf = 99: must be between 0 and 51");
  }
  std::string missing = f.dir().file("missing.toml");
  std::string missing_message = "cannot read job file " + missing + ": No such file or directory";
  CHECK_THROWS_WITH_AS(load_job(missing), missing_message.c_str(), job_error);
  std::string dir = f.dir().path().string();
  std::string dir_message = "cannot read job file " + dir + ": is a directory";
  CHECK_THROWS_WITH_AS(load_job(dir), dir_message.c_str(), job_error);
}
