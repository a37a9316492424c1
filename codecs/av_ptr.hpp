// RAII owners for libav objects. Every libav object in pvenc lives in one of these.
#pragma once

#include <memory>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/frame.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

namespace pvenc::codecs {

struct input_format_deleter {
  void operator()(AVFormatContext* ctx) const { avformat_close_input(&ctx); }
};
struct codec_context_deleter {
  void operator()(AVCodecContext* ctx) const { avcodec_free_context(&ctx); }
};
struct frame_deleter {
  void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};
struct packet_deleter {
  void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};
struct sws_deleter {
  void operator()(SwsContext* ctx) const { sws_freeContext(ctx); }
};
struct swr_deleter {
  void operator()(SwrContext* ctx) const { swr_free(&ctx); }
};
struct audio_fifo_deleter {
  void operator()(AVAudioFifo* fifo) const { av_audio_fifo_free(fifo); }
};
struct dictionary_deleter {
  void operator()(AVDictionary* dict) const { av_dict_free(&dict); }
};

using input_format_ptr = std::unique_ptr<AVFormatContext, input_format_deleter>;
using codec_context_ptr = std::unique_ptr<AVCodecContext, codec_context_deleter>;
using frame_ptr = std::unique_ptr<AVFrame, frame_deleter>;
using packet_ptr = std::unique_ptr<AVPacket, packet_deleter>;
using sws_ptr = std::unique_ptr<SwsContext, sws_deleter>;
using swr_ptr = std::unique_ptr<SwrContext, swr_deleter>;
using audio_fifo_ptr = std::unique_ptr<AVAudioFifo, audio_fifo_deleter>;

// Allocators that throw av_error on failure.
frame_ptr make_frame();
packet_ptr make_packet();

}  // namespace pvenc::codecs
