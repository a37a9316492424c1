// The encoders behind each job-file codec name, and how speed and rate map onto each one's
// options. Adding an encoder is one entry in encoder_table.cpp.
#pragma once

#include <string>
#include <vector>

#include "codecs/av_ptr.hpp"
#include "codecs/encode_settings.hpp"

namespace pvenc::codecs {

struct encoder_entry {
  std::string codec;    // job-file name
  std::string encoder;  // libavcodec encoder name
  bool hardware = false;
};

// Candidate encoders for `codec`, best first (hardware ones first when `gpu`).
std::vector<encoder_entry> encoder_candidates(const std::string& codec, bool gpu);

// The libavcodec encoders of this FFmpeg build that pvenc can use ("libx264", ...).
std::vector<std::string> available_encoders();

// Sets rate control, speed and threading for `entry` on `ctx` (before avcodec_open2) and puts
// encoder-private options into `options`.
void configure_encoder(const encoder_entry& entry, const video_encode_settings& settings,
                       AVCodecContext& ctx, AVDictionary** options);

}  // namespace pvenc::codecs
