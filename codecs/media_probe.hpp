// Reads an input once, packet by packet (no decoding except one check that the video decodes),
// and describes it: streams, frame count, keyframes, timestamps.
#pragma once

#include <string>

#include "codecs/media_info.hpp"

namespace pvenc::codecs {

// Throws av_error when the input cannot be opened, has no video stream, no decodable video,
// or no video frames. The message names the path.
media_info probe_media(const std::string& path);

}  // namespace pvenc::codecs
