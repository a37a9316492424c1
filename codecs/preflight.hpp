// Checks made before any work starts, so that an impossible job fails at once (exit 2)
// instead of failing every segment.
#pragma once

#include <string>

#include "codecs/encode_settings.hpp"
#include "codecs/media_types.hpp"

namespace pvenc::codecs {

// Opens (and closes) the video encoder with the job's output shape. Throws av_error with the
// encoder's reason. Returns the output stream's parameters (profile, level, extradata).
stream_params preflight_video(const stream_params& source, const video_encode_settings& settings);

// Whether libavformat's `muxer` can store a stream of codec `codec_name` ("mp3", "aac", ...).
bool muxer_accepts_codec(const std::string& muxer, const std::string& codec_name);

}  // namespace pvenc::codecs
