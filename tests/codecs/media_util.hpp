// Test helpers shared by tests/codecs and tests/actors: temporary directories, clips generated
// with the ffmpeg CLI, and demux/decode helpers built on pvenc's own codecs/ classes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "codecs/media_types.hpp"
#include "codecs/segment_encoder.hpp"

namespace pvenc::test {

// A fresh directory under the system temp dir, removed with its content on destruction.
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Runs `ffmpeg -nostdin -hide_banner -loglevel error -y <args>`. Returns true on exit status 0.
bool run_ffmpeg(const std::string& args);

// A clip generated once per test process (kept in a process-wide temporary directory that is
// removed at exit). `ffmpeg_args` are the arguments before the output path; the same name always
// returns the same file.
const std::string& shared_clip(const std::string& name, const std::string& ffmpeg_args);

// testsrc2 320x240 at 25 fps, `seconds` long, libx264 ultrafast with 2 B-frames and a keyframe
// every `keyint` frames, in Matroska (time base 1/1000). Shared per (seconds, keyint).
const std::string& h264_clip(int seconds = 2, int keyint = 25);

// The same picture with a 440 Hz sine track (aac), in Matroska.
const std::string& h264_clip_with_audio();

// The best video stream's parameters and all its packets, in file order.
struct demuxed_video {
  codecs::stream_params params;
  std::vector<codecs::media_packet> packets;
};
demuxed_video demux_video(const std::string& path);

// Decodes `packets` (then drains) and records what came out.
struct decode_stats {
  std::int64_t frames = 0;
  int corrupt = 0;
  int width = 0;
  int height = 0;
  std::vector<std::int64_t> pts;  // best-effort timestamps in output order
};
decode_stats decode_all(const codecs::stream_params& params,
                        const std::vector<codecs::media_packet>& packets);

// Demuxes and decodes the best video stream of `path`.
decode_stats decode_file(const std::string& path);

// The pts of `packets`, sorted (presentation order).
std::vector<std::int64_t> sorted_pts(const std::vector<codecs::media_packet>& packets);

// A segment source covering every packet of `video` (origin = first pts, end = after the last
// frame, output size = source size).
codecs::segment_source whole_source(const demuxed_video& video);

// x264 ultrafast, CRF `crf`, one thread.
codecs::video_encode_settings fast_settings(const std::string& codec = "h264", int crf = 23);

}  // namespace pvenc::test
