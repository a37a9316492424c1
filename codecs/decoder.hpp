// A libavcodec decoder opened from stream_params (no file needed: the packets may come from
// another node). Corrupt packets are skipped and counted, not fatal.
#pragma once

#include <functional>

#include "codecs/av_ptr.hpp"
#include "codecs/media_types.hpp"

namespace pvenc::codecs {

class decoder {
 public:
  using frame_sink = std::function<void(AVFrame&)>;

  // Throws av_error if no decoder exists for the codec or it cannot be opened. `fast`: skips
  // the loop filter and allows non-spec-compliant speedups (for analysis, not for encoding).
  decoder(const stream_params& params, int threads, bool fast = false);

  decoder(const decoder&) = delete;
  decoder& operator=(const decoder&) = delete;

  // Feeds one packet (nullptr: end of stream, drains the decoder) and hands every frame that
  // becomes available to `sink`. The frame is only valid during the call.
  void decode(const AVPacket* pkt, const frame_sink& sink);

  // Decodes `pkt` and throws the result away, then resets the decoder for a new start. Used
  // with the stream's first keyframe: it carries stream-wide hints that later packets lack
  // (x264's version SEI, which selects FFmpeg's workarounds for old x264 bugs).
  void prime(const AVPacket& pkt);

  // Packets the decoder rejected as invalid data, plus frames it returned with concealed
  // damage.
  int corrupt_packets() const { return corrupt_packets_; }

 private:
  void drain(const frame_sink& sink);

  codec_context_ptr ctx_;
  frame_ptr frame_;
  int corrupt_packets_ = 0;
};

}  // namespace pvenc::codecs
