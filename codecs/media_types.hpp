// Plain data that describes media without libav types, so it can travel in actor messages
// (and between nodes). Codec ids, pixel/sample formats and color values are libav's enum
// values as integers; both ends of a cluster run the same FFmpeg build.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace pvenc::codecs {

// libav's AV_NOPTS_VALUE, without including libav.
constexpr std::int64_t no_timestamp = std::numeric_limits<std::int64_t>::min();

struct rational {
  int num = 0;
  int den = 1;
  double to_double() const { return den ? static_cast<double>(num) / den : 0.0; }
};

// Everything needed to open a decoder for a stream, or to declare a stream in a muxer.
struct stream_params {
  int codec_type = -1;  // AVMediaType
  int codec_id = 0;     // AVCodecID
  std::uint32_t codec_tag = 0;
  std::vector<std::uint8_t> extradata;
  rational time_base;
  std::int64_t bit_rate = 0;
  int profile = -99;  // FF_PROFILE_UNKNOWN
  int level = -99;
  // video
  int width = 0;
  int height = 0;
  int format = -1;  // AVPixelFormat or AVSampleFormat
  rational sample_aspect_ratio;
  rational frame_rate;  // average frame rate, 0/1 when unknown
  int bits_per_coded_sample = 0;
  int bits_per_raw_sample = 0;
  int field_order = 0;
  int color_range = 0;
  int color_primaries = 2;  // unspecified
  int color_trc = 2;
  int color_space = 2;
  int chroma_location = 0;
  int video_delay = 0;
  // audio
  int sample_rate = 0;
  int channels = 0;
  std::uint64_t channel_mask = 0;  // 0: unspecified order
  int frame_size = 0;
  int block_align = 0;
  int initial_padding = 0;
};

// One compressed packet. Timestamps are in the owning stream's time base.
struct media_packet {
  std::int64_t pts = no_timestamp;
  std::int64_t dts = no_timestamp;
  std::int64_t duration = 0;
  bool keyframe = false;
  std::vector<std::uint8_t> data;
};

}  // namespace pvenc::codecs
