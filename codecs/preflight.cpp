#include "codecs/preflight.hpp"

#include "codecs/av_error.hpp"
#include "codecs/codec_params.hpp"
#include "codecs/segment_encoder.hpp"
#include "codecs/video_encoder.hpp"

namespace pvenc::codecs {

namespace {

// The level in the encoder's parameter sets (libx264/libx265 do not report it in the
// context): avcC/hvcC extradata, or an H.264 SPS behind an Annex B start code.
int level_of(const stream_params& p) {
  const auto& x = p.extradata;
  if (p.codec_id == AV_CODEC_ID_H264 && x.size() > 3 && x[0] == 1) return x[3];
  if (p.codec_id == AV_CODEC_ID_HEVC && x.size() > 12 && x[0] == 1) return x[12];
  if (p.codec_id == AV_CODEC_ID_H264)
    for (std::size_t i = 0; i + 6 < x.size(); ++i)
      if (x[i] == 0 && x[i + 1] == 0 && x[i + 2] == 1 && (x[i + 3] & 0x1f) == 7) return x[i + 6];
  return p.level;
}

}  // namespace

stream_params preflight_video(const stream_params& source, const video_encode_settings& settings) {
  video_stream_shape shape;
  output_size(source, settings, shape.width, shape.height);
  if (shape.width <= 0 || shape.height <= 0)
    throw av_error("the video has no size (" + std::to_string(source.width) + "x" +
                   std::to_string(source.height) + ")");
  shape.source_format = static_cast<AVPixelFormat>(source.format);
  bool convert_rate = settings.frame_rate_num > 0;
  AVRational rate = convert_rate ? AVRational{settings.frame_rate_num, settings.frame_rate_den}
                                 : to_av(source.frame_rate);
  shape.time_base = convert_rate ? av_inv_q(rate) : to_av(source.time_base);
  shape.frame_rate = rate;
  shape.source = &source;
  video_encoder encoder(settings, shape);
  stream_params out = encoder.output_params();
  out.level = level_of(out);
  return out;
}

bool muxer_accepts_codec(const std::string& muxer, const std::string& codec_name) {
  const AVOutputFormat* format = av_guess_format(muxer.c_str(), nullptr, nullptr);
  const AVCodecDescriptor* desc = avcodec_descriptor_get_by_name(codec_name.c_str());
  if (!format || !desc) return false;
  return avformat_query_codec(format, desc->id, FF_COMPLIANCE_NORMAL) == 1;
}

}  // namespace pvenc::codecs
