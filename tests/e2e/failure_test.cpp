// Failures seen from outside: exit codes (2: bad job or input before any work, 1: failure
// during the work), one clear line on stderr, and nothing left at output.path. Also retries
// after injected segment failures ([faults]), checked in the output and the report.
#include <doctest/doctest.h>

#include <sstream>

#include "encode_checks_util.hpp"
#include "media_check_util.hpp"

using namespace pvenc::e2e;

namespace {

// A 3 s 320x240 clip with a keyframe every 0.5 s and a tone: three 1 s segments.
std::string small_source(const temp_dir& dir, media_facts& facts) {
  std::vector<std::string> args = test_video("320x240", 30, 3);
  for (const auto& a : test_tone(3)) args.push_back(a);
  for (const char* a : {"-c:v", "libx264", "-preset", "ultrafast", "-g", "15", "-pix_fmt",
                        "yuv420p", "-c:a", "pcm_s16le"})
    args.push_back(a);
  return make_source(dir, "source.mkv", args, facts);
}

std::vector<std::string> non_empty_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.find_first_not_of(" \t\r") != std::string::npos) lines.push_back(line);
  return lines;
}

// No file at `output`, and no temporary file of it (".<name>.partial") beside it. The work
// directory (".<name>.pvenc-work", finished segments for --resume) may stay.
void check_no_output(const std::string& output) {
  fs::path path(output);
  CHECK_FALSE(fs::exists(path));
  if (!fs::is_directory(path.parent_path())) return;
  for (const auto& name : list_dir(path.parent_path())) {
    INFO("left in the output directory: ", name);
    bool work_dir = name == "." + path.filename().string() + ".pvenc-work";
    CHECK((work_dir || name.find(path.filename().string()) == std::string::npos));
  }
}

// Runs the job and expects exit 2 before any work: one line on stderr that contains `needle`,
// and nothing written at `output`.
void expect_rejected(const temp_dir& dir, const std::string& toml, const std::string& output,
                     const std::string& needle) {
  std::string job = write_job(dir, toml);
  command_result r = run_node({"run", job, "--progress", "none"}, 60);
  INFO("stderr: ", r.err);
  REQUIRE_FALSE(r.timed_out);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(needle) != std::string::npos);
  CHECK(non_empty_lines(r.err).size() == 1);
  check_no_output(output);
}

}  // namespace

TEST_CASE("a bad job file: exit 2, the key named, no output") {
  temp_dir dir;
  media_facts source;
  std::string input = small_source(dir, source);
  std::string output = dir.file("out.mp4");
  auto with_video = [&](const std::string& lines) {
    return job_toml(input, output, "h264", "aac", lines);
  };
  SUBCASE("unknown key") {
    expect_rejected(dir, with_video("colour = 'red'\n"), output, "video.colour");
  }
  SUBCASE("unknown section") {
    expect_rejected(dir, job_toml(input, output) + "[encoder]\nthreads = 2\n", output, "encoder");
  }
  SUBCASE("crf out of range") {
    expect_rejected(dir, with_video("crf = 99\n"), output, "video.crf");
  }
  SUBCASE("crf of the wrong type") {
    expect_rejected(dir, with_video("crf = 'high'\n"), output, "video.crf");
  }
  SUBCASE("unknown speed") {
    std::string toml = job_toml(input, output);
    toml.replace(toml.find("'ultrafast'"), 11, "'warp'");
    expect_rejected(dir, toml, output, "video.speed");
  }
  SUBCASE("bad resolution") {
    expect_rejected(dir, with_video("resolution = '640 by 480'\n"), output, "video.resolution");
  }
  SUBCASE("workers.count = 0") {
    std::string toml = job_toml(input, output);
    toml.replace(toml.find("count = 2"), 9, "count = 0");
    expect_rejected(dir, toml, output, "workers.count");
  }
  SUBCASE("invalid TOML names the file and line") {
    expect_rejected(dir, "[input]\npath = 'unterminated\n", output, "job.toml:2");
  }
}

TEST_CASE("bad input or output paths: exit 2, one line naming the file, no output") {
  temp_dir dir;
  std::string output = dir.file("out.mp4");
  SUBCASE("missing input file") {
    std::string input = dir.file("missing.mp4");
    expect_rejected(dir, job_toml(input, output), output, input);
  }
  SUBCASE("a text file named x.mp4") {
    std::string input = write_text(dir.file("x.mp4"), "this is not a movie\n");
    expect_rejected(dir, job_toml(input, output), output, input);
  }
  SUBCASE("a zero-byte x.mp4") {
    std::string input = write_text(dir.file("x.mp4"), "");
    expect_rejected(dir, job_toml(input, output), output, input);
  }
  SUBCASE("an output in a missing directory") {
    media_facts source;
    std::string input = small_source(dir, source);
    std::string missing = dir.file("no-such-dir");
    std::string nested = missing + "/out.mp4";
    expect_rejected(dir, job_toml(input, nested), nested, missing);
    CHECK_FALSE(fs::exists(missing));
  }
}

TEST_CASE("impossible codec requests: exit 2, no output") {
  temp_dir dir;
  SUBCASE("audio.codec = copy on a source without audio") {
    media_facts source;
    std::string input =
        make_source(dir, "silent.mp4",
                    {"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=1", "-c:v",
                     "libx264", "-preset", "ultrafast"},
                    source);
    REQUIRE_FALSE(source.audio.present);
    std::string output = dir.file("out.mp4");
    expect_rejected(dir, job_toml(input, output, "h264", "copy"), output, "audio");
  }
  SUBCASE("h264 in .webm") {
    media_facts source;
    std::string input = small_source(dir, source);
    std::string output = dir.file("out.webm");
    expect_rejected(dir, job_toml(input, output, "h264", "opus"), output, "video.codec");
  }
}

TEST_CASE("an injected segment failure is retried with a higher CRF") {
  temp_dir dir;
  media_facts source;
  std::string input = small_source(dir, source);
  std::string output = dir.file("out.mp4");
  encode_run run = run_job(dir,
                           job_toml(input, output, "h264", "aac", "",
                                    "[faults]\nfail_segments = [1]\nfail_attempts = 1\n"),
                           output);
  require_success(run);
  check_same_frames(source, run.output);
  check_durations(source, run.output);
  check_report(run);
  const auto& report = run.report;
  CHECK(report.value("retries", -1) == 1);
  bool found = false;
  for (const auto& s : report["segments"]) {
    if (s.value("id", -1) != 1) {
      CHECK(s.value("attempts", -1) == 1);
      continue;
    }
    found = true;
    INFO("segment 1: ", s.dump());
    REQUIRE(s.value("attempts", -1) == 2);
    const auto& log = s["attempt_log"];
    REQUIRE(log.size() == 2);
    CHECK_FALSE(log[0].value("ok", true));
    CHECK(log[0].contains("error"));
    CHECK(log[0].value("crf", -1) == 23);
    CHECK(log[1].value("ok", false));
    CHECK_FALSE(log[1].contains("error"));
    CHECK(log[1].value("crf", -1) == 27);  // retry.crf_step defaults to 4
  }
  CHECK(found);
}

TEST_CASE("a segment failing every attempt: exit 1, segment named, nothing at output.path") {
  temp_dir dir;
  media_facts source;
  std::string input = small_source(dir, source);
  std::string output = dir.file("out.mp4");
  encode_run run = run_job(
      dir,
      job_toml(input, output, "h264", "aac", "",
               "[retry]\nmax_attempts = 2\n\n[faults]\nfail_segments = [0]\nfail_attempts = 5\n"),
      output);
  INFO("stderr: ", run.result.err);
  REQUIRE_FALSE(run.result.timed_out);
  CHECK(run.result.exit_code == 1);
  CHECK(run.result.err.find("segment 0") != std::string::npos);
  CHECK(run.result.err.find("--resume") != std::string::npos);
  check_no_output(output);
  // The segments that did finish are kept for --resume.
  fs::path work_dir = fs::path(output).parent_path() / ".out.mp4.pvenc-work";
  CHECK(fs::exists(work_dir / "manifest.json"));
  REQUIRE(run.report.is_object());
  CHECK_FALSE(run.report.value("ok", true));
  for (const auto& s : run.report["segments"])
    if (s.value("id", -1) == 0) CHECK(s.value("attempts", -1) == 2);
}

TEST_CASE("a worker that dies and one that hangs are replaced; the output loses nothing") {
  temp_dir dir;
  media_facts source;
  std::string input = small_source(dir, source);
  std::string output = dir.file("out.mp4");
  encode_run run = run_job(dir,
                           job_toml(input, output, "h264", "aac", "",
                                    "[retry]\nsegment_timeout = 2\n\n"
                                    "[faults]\ncrash_segments = [0]\nstall_segments = [2]\n"),
                           output);
  require_success(run);
  check_same_frames(source, run.output);
  check_durations(source, run.output);
  CHECK(run.report.value("retries", -1) == 2);
  for (const auto& s : run.report["segments"]) {
    int id = s.value("id", -1);
    INFO("segment: ", s.dump());
    if (s.contains("split_from")) continue;  // the stalled segment's rest, cut for an idle worker
    if (id == 1) {
      CHECK(s.value("attempts", -1) == 1);
      continue;
    }
    const auto& log = s["attempt_log"];
    REQUIRE(log.size() == 2);
    std::string error = log[0].value("error", "");
    CHECK(error.find(id == 0 ? "died" : "no answer within 2 s") != std::string::npos);
    CHECK(log[1].value("ok", false));
  }
}

TEST_CASE("h265 and vp9 retries also search faster; the joined stream still decodes cleanly") {
  for (const char* codec : {"h265", "vp9"}) {
    CAPTURE(codec);
    temp_dir dir;
    media_facts source;
    std::string input = small_source(dir, source);
    std::string output =
        dir.file(std::string("out.") + (codec == std::string("vp9") ? "webm" : "mkv"));
    std::string toml = "[input]\npath = \"" + input + "\"\n[output]\npath = \"" + output +
                       "\"\n[video]\ncodec = \"" + codec +
                       "\"\nspeed = \"faster\"\n[audio]\ncodec = \"opus\"\n"
                       "[segments]\nduration = 1.0\nmin_duration = 0.5\n"
                       "[faults]\nfail_segments = [1]\nfail_attempts = 2\n";
    encode_run run = run_job(dir, toml, output);
    require_success(run);
    CHECK(run.output.video.decode_errors == 0);
    CHECK(run.output.video.frames == source.video.frames);
    CHECK(run.report.value("retries", -1) == 2);
  }
}
