// Finished work survives: a pvenc-node killed with SIGKILL mid-job is resumed with --resume,
// encodes only the unfinished segments, and gives the same frames as an uninterrupted run.
// Ctrl-C (SIGINT) stops cleanly with exit 130 and a resumable work directory.
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "encode_checks_util.hpp"
#include "media_check_util.hpp"

using namespace pvenc::e2e;

namespace {

// A job slow enough to be caught mid-way: 6 x 1 s segments of 640x360 at speed "veryslow".
// Not rebalanced and one thread per worker, whatever the machine's cores: the runs must cut the
// video at the same points and encode it the same way to give the same bytes.
std::string slow_job(const std::string& input, const std::string& output) {
  return "[input]\npath = \"" + input + "\"\n[output]\npath = \"" + output +
         "\"\n[video]\ncodec = \"h264\"\nspeed = \"veryslow\"\n[audio]\ncodec = \"aac\"\n"
         "[segments]\nduration = 1.0\nmin_duration = 0.5\nrebalance = false\n"
         "[workers]\ncount = 2\nthreads = 1\n";
}

std::string slow_source(const temp_dir& dir, media_facts& facts) {
  std::vector<std::string> args = test_video("640x360", 25, 6);
  for (const auto& a : test_tone(6)) args.push_back(a);
  for (const char* a : {"-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:a", "aac"})
    args.push_back(a);
  return make_source(dir, "source.mp4", args, facts);
}

// Segments the work directory's manifest lists as finished (the manifest is replaced
// atomically, so it is always whole; a segment file without its manifest entry does not count).
int stored_segments(const fs::path& work_dir) {
  fs::path manifest = work_dir / "manifest.json";
  if (!fs::exists(manifest)) return 0;
  try {
    return static_cast<int>(read_json(manifest.string())["segments"].size());
  } catch (const std::exception&) {
    return 0;  // replaced between exists() and the read
  }
}

// Polls (bounded) until the work directory holds `count` finished segments.
bool wait_for_segments(const fs::path& work_dir, int count, int timeout_s) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    if (fs::is_directory(work_dir) && stored_segments(work_dir) >= count) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// Starts `job`, waits (bounded) until `segments` are finished in `work_dir`, then sends
// `signal`. Returns the process's exit code (-1 when killed).
int interrupt_after(const std::string& job, const fs::path& work_dir, int segments, int signal) {
  background_node node({"run", job, "--progress", "none"});
  REQUIRE(wait_for_segments(work_dir, segments, 60));
  node.signal(signal);
  return node.wait(60);
}

// The decoded video of `path` as per-frame checksums (ffmpeg's framemd5 muxer).
std::string frame_checksums(const temp_dir& dir, const std::string& path) {
  std::string md5 = dir.file("frames.md5");
  run_ffmpeg({"-i", path, "-map", "0:v", "-f", "framemd5", md5});
  std::string text = read_text(md5);
  std::string body;  // without the header comments (they name the file)
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') body += line + "\n";
  return body;
}

}  // namespace

TEST_CASE("SIGKILL mid-job, then --resume: only the rest is encoded, same frames") {
  temp_dir dir;
  media_facts source;
  std::string input = slow_source(dir, source);
  std::string reference = dir.file("reference.mp4");
  require_success(run_job(dir, slow_job(input, reference), reference));

  std::string output = dir.file("out.mp4");
  std::string job = write_job(dir, slow_job(input, output), "resume.toml");
  fs::path work_dir = dir.path() / ".out.mp4.pvenc-work";
  interrupt_after(job, work_dir, 2, SIGKILL);
  CHECK_FALSE(fs::exists(output));
  int kept = stored_segments(work_dir);
  INFO("segments kept: ", kept);
  REQUIRE(kept >= 2);

  // Without --resume the kept work is protected, not thrown away.
  command_result refused = run_node({"run", job, "--progress", "none"}, 60);
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("--resume") != std::string::npos);
  CHECK(stored_segments(work_dir) == kept);

  std::string report = dir.file("report.json");
  command_result resumed =
      run_node({"run", job, "--progress", "none", "--resume", "--report", report}, 120);
  INFO("stderr: ", resumed.err);
  REQUIRE(resumed.exit_code == 0);
  nlohmann::json r = read_json(report);
  CHECK(r.value("resumed_segments", -1) >= kept);
  CHECK_FALSE(fs::exists(work_dir));  // removed after success

  media_facts out = read_media(output);
  CHECK(out.video.frames == source.video.frames);
  CHECK(out.video.decode_errors == 0);
  CHECK(frame_checksums(dir, output) == frame_checksums(dir, reference));
}

TEST_CASE("--resume keeps the finished part of a segment cut for an idle worker") {
  temp_dir dir;
  media_facts source;
  std::string input = long_segment_source(dir, source);
  std::string output = dir.file("out.mp4");
  // The plan's one segment is cut for the second worker at once; the rest (segment 1) hangs,
  // so the run is killed with the first part stored and the rest unfinished.
  std::string stalled =
      write_job(dir,
                one_segment_job(input, output, "",
                                "[retry]\nsegment_timeout = 60\n[faults]\nstall_segments = [1]\n"),
                "stalled.toml");
  fs::path work_dir = dir.path() / ".out.mp4.pvenc-work";
  interrupt_after(stalled, work_dir, 1, SIGKILL);
  REQUIRE(stored_segments(work_dir) >= 1);

  std::string job = write_job(dir, one_segment_job(input, output), "resume.toml");
  std::string report = dir.file("report.json");
  command_result resumed =
      run_node({"run", job, "--progress", "none", "--resume", "--report", report}, 120);
  INFO("stderr: ", resumed.err);
  REQUIRE(resumed.exit_code == 0);
  nlohmann::json r = read_json(report);
  CHECK(r.value("resumed_segments", -1) >= 1);  // the finished head is kept
  const auto& segments = r["segments"];
  REQUIRE(segments.size() >= 2);
  CHECK(segments[0].value("resumed", false));
  std::int64_t next_start = 0;
  bool encoded = false;  // the rest, at least, was encoded in this run
  for (const auto& s : segments) {
    CHECK(s.value("start_frame", -1) == next_start);  // file order, no gap, no overlap
    next_start = s.value("end_frame", -1);
    encoded = encoded || !s.value("resumed", false);
  }
  CHECK(next_start == source.video.frames);
  CHECK(encoded);
  media_facts out = read_media(output);
  check_same_frames(source, out);
  CHECK_FALSE(fs::exists(work_dir));
}

TEST_CASE("--resume refuses a work directory of a job with other settings") {
  temp_dir dir;
  media_facts source;
  std::string input = slow_source(dir, source);
  std::string output = dir.file("out.mp4");
  std::string job = write_job(dir, slow_job(input, output), "a.toml");
  fs::path work_dir = dir.path() / ".out.mp4.pvenc-work";
  interrupt_after(job, work_dir, 1, SIGKILL);
  std::string other = slow_job(input, output);
  other.replace(other.find("veryslow"), 8, "slower");  // another speed: other frames
  std::string other_job = write_job(dir, other, "b.toml");
  command_result r = run_node({"run", other_job, "--progress", "none", "--resume"}, 60);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("different job or other settings") != std::string::npos);
  CHECK(stored_segments(work_dir) >= 1);  // nothing was mixed in or thrown away

  // A work directory of an older pvenc-node (manifest version 2) is named as such.
  fs::path manifest = work_dir / "manifest.json";
  nlohmann::json old = read_json(manifest.string());
  old["version"] = 2;
  write_text(manifest.string(), old.dump());
  command_result older = run_node({"run", job, "--progress", "none", "--resume"}, 60);
  CHECK(older.exit_code == 2);
  CHECK(older.err.find("older pvenc-node") != std::string::npos);
  CHECK(stored_segments(work_dir) >= 1);
}

TEST_CASE("Ctrl-C: running segments finish, exit 130, resumable") {
  temp_dir dir;
  media_facts source;
  std::string input = slow_source(dir, source);
  std::string output = dir.file("out.mp4");
  std::string job = write_job(dir, slow_job(input, output), "job.toml");
  fs::path work_dir = dir.path() / ".out.mp4.pvenc-work";
  CHECK(interrupt_after(job, work_dir, 1, SIGINT) == 130);
  CHECK_FALSE(fs::exists(output));
  int kept = stored_segments(work_dir);
  CHECK(kept >= 2);  // the one done at Ctrl-C and the one(s) that were running
  command_result resumed = run_node({"run", job, "--progress", "none", "--resume"}, 120);
  CHECK(resumed.exit_code == 0);
  CHECK(read_media(output).video.frames == source.video.frames);
}
