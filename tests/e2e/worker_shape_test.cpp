// With [workers] unset, the cores pvenc may use (its affinity mask, here set with taskset)
// decide how many local workers run and how many encoder threads each gets.
#include <doctest/doctest.h>

#include <sched.h>

#include "actors/cpu_cores.hpp"
#include "encode_checks_util.hpp"
#include "media_check_util.hpp"

using namespace pvenc::e2e;

namespace {

// `seconds` of 320x240 at 30 fps, a keyframe every 0.5 s, no audio.
std::string shape_source(const temp_dir& dir, const std::string& name, double seconds,
                         media_facts& facts) {
  std::vector<std::string> args = test_video("320x240", 30, seconds);
  for (const char* a :
       {"-c:v", "libx264", "-preset", "ultrafast", "-g", "15", "-pix_fmt", "yuv420p"})
    args.push_back(a);
  return make_source(dir, name, args, facts);
}

struct shape_run {
  nlohmann::json report;
  std::string stderr_text;  // ends with the summary line
};

// The first `count` CPUs of this process's affinity mask, in taskset's list syntax; "" if it
// has fewer.
std::string own_cpus(int count) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return "";
  std::string list;
  for (int cpu = 0; cpu < CPU_SETSIZE && count > 0; ++cpu) {
    if (!CPU_ISSET(cpu, &set)) continue;
    list += (list.empty() ? "" : ",") + std::to_string(cpu);
    --count;
  }
  return count == 0 ? list : "";
}

// Runs a job without [workers] on the CPUs `cpus` (taskset's list syntax).
shape_run run_on_cpus(const temp_dir& dir, const std::string& input, const std::string& cpus,
                      const media_facts& source, const std::string& codec = "h264") {
  std::string output = dir.file("out.mp4");
  std::string job = write_job(dir, "[input]\npath = '" + input + "'\n[output]\npath = '" + output +
                                       "'\noverwrite = true\n[video]\ncodec = '" + codec +
                                       "'\nspeed = 'ultrafast'\n[audio]\ncodec = 'none'\n");
  std::string report = dir.file("report.json");
  command_result result = run_command(
      {"taskset", "-c", cpus, node_path(), "run", job, "--report", report, "--progress", "none"},
      120);
  INFO("stderr: ", result.err);
  REQUIRE_FALSE(result.timed_out);
  REQUIRE(result.exit_code == 0);
  check_same_frames(source, read_media(output));
  return {read_json(report), result.err};
}

}  // namespace

TEST_CASE("without [workers], the usable cores choose the workers and their threads") {
  temp_dir dir;
  media_facts one_segment, four_segments;
  std::string short_input = shape_source(dir, "short.mkv", 1.0, one_segment);
  std::string longer_input = shape_source(dir, "longer.mkv", 4.0, four_segments);

  SUBCASE("taskset to one CPU: one single-thread worker, whatever the machine has") {
    auto [report, summary] = run_on_cpus(dir, longer_input, own_cpus(1), four_segments);
    CHECK(summary.find("1 worker,") != std::string::npos);
    CHECK(report["settings"]["workers"] == 1);
    CHECK(report["settings"]["threads"] == 1);
    CHECK(report["workers"].size() == 1);
    CHECK(report["segments"].size() == 1);  // one worker alone: the video is not cut finer
  }
  // Two of this process's CPUs, where its affinity mask and CPU quota give it two.
  std::string two_cpus = own_cpus(2);
  if (two_cpus.empty() || pvenc::actors::usable_cores() < 2) {
    MESSAGE("two-core cases skipped: this process may use one core");
    return;
  }
  SUBCASE("one segment on two cores: one worker with both cores as its threads") {
    auto [report, summary] = run_on_cpus(dir, short_input, two_cpus, one_segment);
    CHECK(report["segments"].size() == 1);
    CHECK(report["settings"]["workers"] == 1);
    CHECK(report["settings"]["threads"] == 2);
    CHECK(summary.find("1 worker x 2 threads") != std::string::npos);
  }
  SUBCASE("several segments on two cores: a single-thread worker per core") {
    auto report = run_on_cpus(dir, longer_input, two_cpus, four_segments).report;
    CHECK(report["segments"].size() >= 2);
    CHECK(report["settings"]["workers"] == 2);
    CHECK(report["settings"]["threads"] == 1);
  }
  SUBCASE("x265 on two cores: one worker with two threads, and the video is not cut finer") {
    auto [report, summary] = run_on_cpus(dir, longer_input, two_cpus, four_segments, "h265");
    CHECK(report["settings"]["workers"] == 1);
    CHECK(report["settings"]["threads"] == 2);
    CHECK(report["segments"].size() == 1);  // 4 s: shorter than one default segment
    CHECK(summary.find("1 worker x 2 threads, 1 segment") != std::string::npos);
  }
}
