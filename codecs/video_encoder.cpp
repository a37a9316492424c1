#include "codecs/video_encoder.hpp"

#include "codecs/av_error.hpp"
#include "codecs/codec_params.hpp"

extern "C" {
#include <libavutil/imgutils.h>
}

namespace pvenc::codecs {
namespace {

AVPixelFormat choose_format(const AVCodec& codec, AVPixelFormat source) {
  if (!codec.pix_fmts) return source;
  for (const AVPixelFormat* f = codec.pix_fmts; *f != AV_PIX_FMT_NONE; ++f)
    if (*f == source) return source;
  return avcodec_find_best_pix_fmt_of_list(codec.pix_fmts, source, 0, nullptr);
}

void copy_color_tags(const stream_params& src, AVCodecContext& ctx) {
  ctx.color_range = static_cast<AVColorRange>(src.color_range);
  ctx.color_primaries = static_cast<AVColorPrimaries>(src.color_primaries);
  ctx.color_trc = static_cast<AVColorTransferCharacteristic>(src.color_trc);
  ctx.colorspace = static_cast<AVColorSpace>(src.color_space);
  ctx.chroma_sample_location = static_cast<AVChromaLocation>(src.chroma_location);
  if (src.sample_aspect_ratio.num > 0) ctx.sample_aspect_ratio = to_av(src.sample_aspect_ratio);
}

// Opens `entry` or returns null with the reason in `error`.
codec_context_ptr try_open(const encoder_entry& entry, const video_encode_settings& settings,
                           const video_stream_shape& shape, std::string& error) {
  const AVCodec* codec = avcodec_find_encoder_by_name(entry.encoder.c_str());
  if (!codec) {
    error = entry.encoder + " is not in this FFmpeg build";
    return nullptr;
  }
  codec_context_ptr ctx(avcodec_alloc_context3(codec));
  if (!ctx) throw av_error("out of memory allocating an encoder", AVERROR(ENOMEM));
  ctx->width = shape.width;
  ctx->height = shape.height;
  ctx->pix_fmt = choose_format(*codec, shape.source_format);
  ctx->time_base = shape.time_base;
  ctx->framerate = shape.frame_rate;
  ctx->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (shape.source) copy_color_tags(*shape.source, *ctx);
  AVDictionary* options = nullptr;
  configure_encoder(entry, settings, *ctx, &options);
  int ret = avcodec_open2(ctx.get(), codec, &options);
  av_dict_free(&options);
  if (ret < 0) {
    error = "cannot open " + entry.encoder + ": " + av_error_text(ret);
    return nullptr;
  }
  return ctx;
}

}  // namespace

video_encoder::video_encoder(const video_encode_settings& settings, const video_stream_shape& shape)
    : packet_(make_packet()) {
  std::string errors;
  for (const auto& entry : encoder_candidates(settings.codec, settings.gpu)) {
    std::string error;
    ctx_ = try_open(entry, settings, shape, error);
    if (ctx_) {
      name_ = entry.encoder;
      return;
    }
    errors += (errors.empty() ? "" : "; ") + error;
  }
  throw av_error("no " + settings.codec + " encoder could be opened" +
                 (errors.empty() ? std::string(" (none in this FFmpeg build)") : ": " + errors));
}

video_encoder::~video_encoder() {
  if (drained_ || !ctx_) return;
  try {
    encode(nullptr, [](AVPacket&) {});
  } catch (const av_error&) {
    // closing anyway
  }
}

void video_encoder::send_black_frame() {
  frame_ptr black = make_frame();
  black->format = ctx_->pix_fmt;
  black->width = ctx_->width;
  black->height = ctx_->height;
  check_av(av_frame_get_buffer(black.get(), 0), "allocating a frame");
  ptrdiff_t linesizes[4];
  for (int i = 0; i < 4; ++i) linesizes[i] = black->linesize[i];
  av_image_fill_black(black->data, linesizes, ctx_->pix_fmt, ctx_->color_range, ctx_->width,
                      ctx_->height);
  black->pts = 0;
  encode(black.get(), [](AVPacket&) {});
}

void video_encoder::encode(const AVFrame* frame, const packet_sink& sink) {
  // An encoder that saw no frame yields no packet (SVT-AV1 still needs one frame to close).
  bool discard = !frame && frames_sent_ == 0;
  if (discard) send_black_frame();
  if (!frame) drained_ = true;
  if (frame) ++frames_sent_;
  int ret = avcodec_send_frame(ctx_.get(), frame);
  if (ret != AVERROR_EOF) check_av(ret, name_ + " encoding");
  for (;;) {
    ret = avcodec_receive_packet(ctx_.get(), packet_.get());
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return;
    check_av(ret, name_ + " encoding");
    if (!discard) sink(*packet_);
    av_packet_unref(packet_.get());
  }
}

stream_params video_encoder::output_params() const {
  AVCodecParameters* par = avcodec_parameters_alloc();
  if (!par) throw av_error("out of memory", AVERROR(ENOMEM));
  avcodec_parameters_from_context(par, ctx_.get());
  stream_params out = to_stream_params(*par, ctx_->time_base);
  avcodec_parameters_free(&par);
  out.frame_rate = from_av(ctx_->framerate);
  return out;
}

bool hardware_encoder_available(const std::string& codec) {
  video_encode_settings settings;
  settings.codec = codec;
  settings.gpu = true;
  video_stream_shape shape;
  shape.width = 256;
  shape.height = 144;
  shape.source_format = AV_PIX_FMT_YUV420P;
  shape.time_base = AVRational{1, 30};
  shape.frame_rate = AVRational{30, 1};
  int log_level = av_log_get_level();
  av_log_set_level(AV_LOG_FATAL);  // a missing driver is an expected answer here, not an error
  bool found = false;
  for (const auto& entry : encoder_candidates(codec, true)) {
    std::string error;
    if (entry.hardware && try_open(entry, settings, shape, error)) found = true;
    if (found) break;
  }
  av_log_set_level(log_level);
  return found;
}

}  // namespace pvenc::codecs
