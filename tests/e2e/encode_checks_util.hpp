// The steps and checks the end-to-end encode tests share: make a source with ffmpeg, run a job
// through pvenc-node, and compare what the output decodes to with what the source decodes to.
// The check_* functions record doctest CHECKs; call them inside a TEST_CASE.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "media_check_util.hpp"

namespace pvenc::e2e {

// Runs ffmpeg with `args` (inputs and options) writing `name` in `dir`, reads the result back
// and REQUIREs that it decodes without errors. Returns its path; `facts` gets what was read.
std::string make_source(const temp_dir& dir, const std::string& name,
                        const std::vector<std::string>& args, media_facts& facts);

// lavfi inputs: testsrc2 video (`size`, `rate`, `seconds`) and a 440 Hz tone.
std::vector<std::string> test_video(const std::string& size, int rate, double seconds);
std::vector<std::string> test_tone(double seconds, int sample_rate = 48000);

// 8 s of 640x360 at 30 fps (240 frames), a keyframe every second: long enough at speed
// "slow" that half of it is worth a second encoder (segments.rebalance), with room to spare
// on a machine several times faster than the 2-core VMs this was measured on.
std::string long_segment_source(const temp_dir& dir, media_facts& facts);

// A job that encodes `input` as one segment (h264 "slow", no audio) on two workers;
// `segments_extra`: more lines of [segments]; `extra`: more sections.
std::string one_segment_job(const std::string& input, const std::string& output,
                            const std::string& segments_extra = "", const std::string& extra = "");

// One `pvenc-node run` of a job file.
struct encode_run {
  command_result result;
  nlohmann::json report;  // null when no report was written
  media_facts output;     // the output file read back (error set when there is none)
};

// Writes `toml` as job.toml in `dir` and runs it with --report and --progress none (and
// `extra_args`). The output path is the one inside `toml`; pass it as `output`.
encode_run run_job(const temp_dir& dir, const std::string& toml, const std::string& output,
                   int timeout_s = 120, const std::vector<std::string>& extra_args = {});

// REQUIREs exit code 0 (showing stderr otherwise) and an output that libav can read.
void require_success(const encode_run& run);

// The output shows every source frame at the source's time: same count, each pts within half
// a source frame, no decode errors. `allowed_shift_s`: a uniform delay of the whole output
// that is accepted (a container's limit, see the callers), 0 for none.
void check_same_frames(const media_facts& source, const media_facts& output,
                       double allowed_shift_s = 0);

// Video and (when the source has audio) audio durations within `tolerance_s` of the source's.
void check_durations(const media_facts& source, const media_facts& output,
                     double tolerance_s = 0.05);

// How check_av_offset finds where the audio starts.
enum class av_measure {
  tone_onset,      // where the sound starts (audio that starts with a tone)
  declared_start,  // where the container says it starts (first pts + priming skipped)
};

// A/V sync: the audio's start minus the first video frame's time, compared between source and
// output.
void check_av_offset(const media_facts& source, const media_facts& output,
                     av_measure measure = av_measure::tone_onset, double tolerance_s = 0.05);

// The report agrees with the decoded output and used more than `min_segments - 1` segments.
void check_report(const encode_run& run, std::size_t min_segments = 2);

// The typical frame interval of a pts list (median).
double frame_interval(const std::vector<double>& pts_s);

}  // namespace pvenc::e2e
