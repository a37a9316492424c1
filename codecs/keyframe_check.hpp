// Whether decoding can start at a keyframe packet without earlier packets (an H.264/HEVC IDR
// picture, a VP8/VP9/AV1 key frame, any frame of an intra-only codec). H.264 recovery-point
// I-frames and HEVC CRA pictures are keyframes in the container but not clean starts: later
// frames may reference pictures before them.
#pragma once

#include <cstdint>
#include <vector>

namespace pvenc::codecs {

// `codec_id` is the AVCodecID, `extradata` the stream's (tells length-prefixed NAL units from
// Annex B start codes), `data`/`size` one keyframe packet.
bool is_clean_start(int codec_id, const std::vector<std::uint8_t>& extradata,
                    const std::uint8_t* data, int size);

}  // namespace pvenc::codecs
