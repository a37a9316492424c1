// parse_job validation: one test per rule, checking that the message names the key (and the
// line, where the key is in the file).
#include "config/job_loader.hpp"

#include <doctest/doctest.h>
#include "tests/config/job_test_util.hpp"

using namespace pvenc::config::test;

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
  CHECK(has(error_of(f.text("[segments]\nrebalance = \"no\"")),
            "job.toml:2: segments.rebalance: expected a boolean"));
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
            "job.toml:2: workers.count = 0: 0 local workers needs cluster.listen"));
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
