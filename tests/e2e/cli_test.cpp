// The command line: --version, --help, `probe` (JSON on stdout) and `--progress json` (one JSON
// object per line on stderr).
#include <doctest/doctest.h>

#include <sstream>

#include "encode_checks_util.hpp"
#include "media_check_util.hpp"

using namespace pvenc::e2e;

TEST_CASE("--version and --help exit 0") {
  command_result version = run_node({"--version"}, 30);
  CHECK(version.exit_code == 0);
  CHECK(version.out.find("pvenc-node") != std::string::npos);

  command_result help = run_node({"--help"}, 30);
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("run") != std::string::npos);
  CHECK(help.out.find("probe") != std::string::npos);

  command_result run_help = run_node({"run", "--help"}, 30);
  CHECK(run_help.exit_code == 0);
  CHECK(run_help.out.find("--report") != std::string::npos);
}

TEST_CASE("a bad command line exits 2") {
  CHECK(run_node({}, 30).exit_code == 2);
  CHECK(run_node({"transcode"}, 30).exit_code == 2);
  CHECK(run_node({"run", "job.toml", "--progress", "sometimes"}, 30).exit_code == 2);
}

TEST_CASE("probe prints JSON with the file's real frame count") {
  temp_dir dir;
  media_facts source;
  std::vector<std::string> args = test_video("320x240", 25, 2);
  for (const auto& a : test_tone(2)) args.push_back(a);
  for (const char* a : {"-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"})
    args.push_back(a);
  std::string input = make_source(dir, "clip.mp4", args, source);

  command_result r = run_node({"probe", input}, 60);
  INFO("stdout: ", r.out, "\nstderr: ", r.err);
  REQUIRE(r.exit_code == 0);
  nlohmann::json info = nlohmann::json::parse(r.out, nullptr, false);
  REQUIRE_FALSE(info.is_discarded());
  CHECK(info["video"].value("frames", -1) == source.video.frames);
  CHECK(info["video"].value("width", -1) == 320);
  CHECK(info["video"].value("height", -1) == 240);
  CHECK(info["video"].value("codec", "") == "h264");
  REQUIRE(info["audio"].size() == 1);
  CHECK(info["audio"][0].value("codec", "") == "aac");

  command_result missing = run_node({"probe", dir.file("missing.mp4")}, 30);
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("missing.mp4") != std::string::npos);
}

TEST_CASE("--progress json writes JSON lines ending at 100 %") {
  temp_dir dir;
  media_facts source;
  std::vector<std::string> args = test_video("320x240", 30, 3);
  for (const char* a : {"-c:v", "libx264", "-preset", "ultrafast", "-g", "15"}) args.push_back(a);
  std::string input = make_source(dir, "clip.mkv", args, source);
  std::string output = dir.file("out.mp4");
  std::string job = write_job(dir, job_toml(input, output));

  command_result r = run_node({"run", job, "--progress", "json"}, 120);
  INFO("stderr: ", r.err);
  REQUIRE(r.exit_code == 0);
  std::istringstream lines(r.err);
  std::vector<nlohmann::json> progress;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '{') continue;  // the closing summary, warnings
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    INFO("line: ", line);
    REQUIRE_FALSE(j.is_discarded());
    CHECK(j.contains("phase"));
    CHECK(j.contains("percent"));
    progress.push_back(j);
  }
  REQUIRE(progress.size() >= 2);
  double previous = 0;
  for (const auto& j : progress) {
    double percent = j.value("percent", -1.0);
    CHECK(percent >= previous);  // never goes back
    CHECK(percent <= 100.0);
    previous = percent;
  }
  CHECK(progress.back().value("percent", -1.0) == doctest::Approx(100.0));
  CHECK(progress.back().value("phase", "") == "done");
  CHECK(progress.back().value("frames", -1) == source.video.frames);
}
