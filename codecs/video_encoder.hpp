// A libavcodec video encoder for one segment (or one whole stream), chosen from the
// encoder table. Frames go in with pts in `time_base`; packets come out in the same base.
#pragma once

#include <functional>
#include <string>

#include "codecs/av_ptr.hpp"
#include "codecs/encode_settings.hpp"
#include "codecs/encoder_table.hpp"
#include "codecs/media_types.hpp"

namespace pvenc::codecs {

struct video_stream_shape {
  int width = 0;
  int height = 0;
  AVPixelFormat source_format = AV_PIX_FMT_NONE;  // the encoder picks the closest it supports
  AVRational time_base{1, 25};
  AVRational frame_rate{0, 1};
  const stream_params* source = nullptr;  // for aspect ratio and color tags; may be null
};

class video_encoder {
 public:
  using packet_sink = std::function<void(AVPacket&)>;

  // Opens the first candidate encoder that opens. Throws av_error if none does.
  video_encoder(const video_encode_settings& settings, const video_stream_shape& shape);

  // Drains the encoder if encode(nullptr) was never called: SVT-AV1 hangs when it is closed
  // without having seen the end of the stream, or having seen it before any frame (then one
  // black frame is sent first).
  ~video_encoder();

  video_encoder(const video_encoder&) = delete;
  video_encoder& operator=(const video_encoder&) = delete;

  // The pixel format frames must have.
  AVPixelFormat pixel_format() const { return ctx_->pix_fmt; }
  const std::string& encoder_name() const { return name_; }

  // Encodes `frame` (nullptr: flush) and hands each finished packet to `sink`; the packet is
  // only valid during the call.
  void encode(const AVFrame* frame, const packet_sink& sink);

  // The output stream's parameters (codec, extradata, size) with the encoder's time base.
  stream_params output_params() const;

 private:
  codec_context_ptr ctx_;
  packet_ptr packet_;
  void send_black_frame();

  std::string name_;
  bool drained_ = false;
  std::int64_t frames_sent_ = 0;
};

// Whether a hardware encoder of `codec` opens on this machine (a real open, not a lookup).
bool hardware_encoder_available(const std::string& codec);

}  // namespace pvenc::codecs
