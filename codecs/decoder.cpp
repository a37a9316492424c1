#include "codecs/decoder.hpp"

#include "codecs/av_error.hpp"
#include "codecs/codec_params.hpp"

namespace pvenc::codecs {

decoder::decoder(const stream_params& params, int threads, bool fast) : frame_(make_frame()) {
  const AVCodec* codec = avcodec_find_decoder(static_cast<AVCodecID>(params.codec_id));
  if (!codec)
    throw av_error(std::string("no decoder for codec ") +
                   avcodec_get_name(static_cast<AVCodecID>(params.codec_id)));
  ctx_.reset(avcodec_alloc_context3(codec));
  if (!ctx_) throw av_error("out of memory allocating a decoder", AVERROR(ENOMEM));
  AVCodecParameters* par = avcodec_parameters_alloc();
  if (!par) throw av_error("out of memory", AVERROR(ENOMEM));
  try {
    fill_codec_parameters(params, *par);
    check_av(avcodec_parameters_to_context(ctx_.get(), par), "configuring the decoder");
  } catch (...) {
    avcodec_parameters_free(&par);
    throw;
  }
  avcodec_parameters_free(&par);
  ctx_->pkt_timebase = to_av(params.time_base);
  ctx_->thread_count = threads;
  if (fast) {
    ctx_->skip_loop_filter = AVDISCARD_ALL;
    ctx_->flags2 |= AV_CODEC_FLAG2_FAST;
  }
  check_av(avcodec_open2(ctx_.get(), codec, nullptr),
           std::string("opening the ") + codec->name + " decoder");
}

void decoder::decode(const AVPacket* pkt, const frame_sink& sink) {
  int ret = avcodec_send_packet(ctx_.get(), pkt);
  if (ret == AVERROR_INVALIDDATA) {
    ++corrupt_packets_;
    return;
  }
  if (ret < 0 && ret != AVERROR_EOF && ret != AVERROR(EAGAIN)) check_av(ret, "decoding");
  drain(sink);
}

void decoder::prime(const AVPacket& pkt) {
  auto discard = [](AVFrame&) {};
  decode(&pkt, discard);
  decode(nullptr, discard);
  avcodec_flush_buffers(ctx_.get());
}

void decoder::drain(const frame_sink& sink) {
  for (;;) {
    int ret = avcodec_receive_frame(ctx_.get(), frame_.get());
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return;
    if (ret == AVERROR_INVALIDDATA) {
      ++corrupt_packets_;
      continue;
    }
    check_av(ret, "decoding");
    // Damaged data the decoder concealed (the frame is still usable, and still counted).
    if (frame_->decode_error_flags || (frame_->flags & AV_FRAME_FLAG_CORRUPT)) ++corrupt_packets_;
    sink(*frame_);
    av_frame_unref(frame_.get());
  }
}

}  // namespace pvenc::codecs
