// Conversion between libav's AVCodecParameters / AVPacket and pvenc's plain media types.
#pragma once

#include "codecs/av_ptr.hpp"
#include "codecs/media_types.hpp"

namespace pvenc::codecs {

stream_params to_stream_params(const AVCodecParameters& par, AVRational time_base);
// Overwrites `par` with `params` (extradata copied; libav owns its copy).
void fill_codec_parameters(const stream_params& params, AVCodecParameters& par);

inline AVRational to_av(rational r) {
  return AVRational{r.num, r.den};
}
inline rational from_av(AVRational r) {
  return rational{r.num, r.den};
}

// Copies a libav packet's payload and timing into a media_packet.
media_packet to_media_packet(const AVPacket& pkt);
// Points `pkt` at a copy of `packet` (pkt owns the copy).
void fill_av_packet(const media_packet& packet, AVPacket& pkt);

}  // namespace pvenc::codecs
