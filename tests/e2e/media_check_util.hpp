// Helpers of the end-to-end tests: a per-test temp directory, test media made with the ffmpeg
// CLI (lavfi sources), pvenc-node run as a child process under a hard timeout, and a media
// file read back with libav (every video frame decoded) so tests check what a player would see,
// not what the report says. Implemented in media_check_util.cpp (temp_dir, media) and
// process_util.cpp (processes, files, jobs).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pvenc::e2e {

namespace fs = std::filesystem;

// temp_directory_path()/"pvenc-e2e-<random>", created by the constructor and removed with
// everything in it by the destructor.
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const fs::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// ---- reading media back with libav ----

struct video_facts {
  bool present = false;
  std::string codec;  // codec name, e.g. "h264", "hevc", "vp9", "av1"
  int width = 0;
  int height = 0;
  std::string pixel_format;   // of the decoded frames, e.g. "yuv420p"
  std::int64_t frames = 0;    // frames the decoder returned
  std::vector<double> pts_s;  // their pts in seconds, in output (presentation) order
  std::int64_t keyframe_packets = 0;
  std::vector<double> keyframe_s;  // pts of the keyframe packets, in file order
  int decode_errors = 0;           // failed send/receive calls and frames flagged corrupt
  double start_s = 0;              // the smallest packet pts
  double end_s = 0;                // the largest packet pts + duration (or + one frame)
  double duration_s() const { return end_s - start_s; }
};

struct audio_facts {
  bool present = false;
  std::string codec;
  int sample_rate = 0;
  double first_pts_s = 0;  // the first packet's pts
  double start_s = 0;      // where audible audio starts: first pts + the skipped (priming) samples
  double end_s = 0;        // the last packet's pts + duration
  double onset_s = -1;     // time of the first decoded sample at >= 2 % of full scale; -1: none
  int decode_errors = 0;
  double duration_s() const { return end_s - first_pts_s; }
};

struct media_facts {
  std::string error;   // empty when the file could be opened and read
  std::string format;  // the demuxer's name, e.g. "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm"
  int video_streams = 0;
  int audio_streams = 0;
  video_facts video;  // the best video stream
  audio_facts audio;  // the first audio stream
};

// Opens `path` with libavformat and decodes every frame of the video stream and of the first
// audio stream (the audio only to find where the sound starts: the onset of a test tone). Never
// throws: a failure is described in `error`.
media_facts read_media(const std::string& path);

// True when the frame intervals differ by more than 2.5 ms (a variable frame rate; Matroska
// rounds timestamps to 1 ms, which is not).
bool is_variable_rate(const std::vector<double>& pts_s);

// ---- child processes ----

struct command_result {
  int exit_code = -1;  // -1 when killed by a signal (or the timeout)
  bool timed_out = false;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs argv[0] (searched in PATH) with its stdout and stderr captured; kills its process group
// after `timeout_s` seconds so a hang fails the test instead of hanging CI.
command_result run_command(const std::vector<std::string>& argv, int timeout_s);

// node_path() (the built pvenc-node) with `args`.
command_result run_node(const std::vector<std::string>& args, int timeout_s = 120);

// A pvenc-node process started in the background (its own process group; stdout and stderr
// go to `log_path`, or are discarded when it is empty). The destructor SIGKILLs it if it still
// runs (after SIGCONT, in case a test stopped it).
class background_node {
 public:
  explicit background_node(const std::vector<std::string>& args, const std::string& log_path = "");
  ~background_node();
  background_node(const background_node&) = delete;
  background_node& operator=(const background_node&) = delete;
  // Sends `signal` to the process. kill(SIGKILL) is what a power loss looks like.
  void signal(int signal);
  // Waits at most `timeout_s` for it to end; returns its exit code, or -1 (killed/still running).
  int wait(int timeout_s);

 private:
  int pid_ = -1;
};

// Polls `path` (bounded) until it contains `text`; false after `timeout_s` seconds.
bool wait_for_text(const std::string& path, const std::string& text, double timeout_s);

// `ffmpeg -hide_banner -nostdin -loglevel error -y <args>`; throws std::runtime_error with
// ffmpeg's stderr when it fails.
void run_ffmpeg(const std::vector<std::string>& args);

// $PVENC_NODE and $PVENC_SOURCE_DIR (set by ctest); when the test binary is run by hand from
// the build tree, <build>/pvenc-node and the source directory of <build>/CMakeCache.txt.
std::string node_path();
std::string source_dir();

// ---- files ----

std::string write_text(const std::string& path, const std::string& text);  // returns path
std::string read_text(const std::string& path);
nlohmann::json read_json(const std::string& path);  // throws when it is not JSON

// Names in `dir` (no paths), sorted.
std::vector<std::string> list_dir(const fs::path& dir);

// ---- jobs ----

// A job for short test clips: speed "ultrafast", 1 s segments (min 0.5 s), 2 workers and the
// given codecs. `video_extra` is more lines of [video]; `extra` is appended as is (sections
// other than input, output, video, audio, segments and workers).
std::string job_toml(const std::string& input, const std::string& output,
                     const std::string& video_codec = "h264",
                     const std::string& audio_codec = "aac", const std::string& video_extra = "",
                     const std::string& extra = "");

// A job file "job.toml" in `dir`; returns its path.
std::string write_job(const temp_dir& dir, const std::string& toml,
                      const std::string& name = "job.toml");

}  // namespace pvenc::e2e
