// What the analyzer learns about an input: plain data (no libav types).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "codecs/media_types.hpp"

namespace pvenc::codecs {

// One video packet of the source, in file (decode) order. Timestamps in the stream time base;
// a missing pts is filled from dts or from the frame rate, so `pts` is always valid.
struct packet_entry {
  std::int64_t pts = 0;
  std::int64_t dts = no_timestamp;
  std::int64_t duration = 0;
  std::int64_t size = 0;
  bool keyframe = false;
  bool clean_start = false;  // decoding can start here (see keyframe_check.hpp)
};

struct video_info {
  int stream_index = -1;
  stream_params params;
  std::string codec_name;
  std::string pixel_format;
  std::int64_t frame_count = 0;  // packets of the video stream = frames
  rational frame_rate;           // average
  bool variable_frame_rate = false;
  double start_s = 0;
  double duration_s = 0;
  std::vector<packet_entry> packets;
};

struct audio_info {
  int stream_index = -1;
  std::string codec_name;
  int sample_rate = 0;
  int channels = 0;
  double start_s = 0;
  double duration_s = 0;
};

struct media_info {
  std::string path;
  std::string format_name;
  std::int64_t size_bytes = 0;  // 0 for generated inputs
  bool seekable = false;
  double duration_s = 0;
  video_info video;
  std::vector<audio_info> audio;
};

}  // namespace pvenc::codecs
