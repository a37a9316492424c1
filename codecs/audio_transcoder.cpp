#include "codecs/audio_transcoder.hpp"

#include "codecs/av_error.hpp"
#include "codecs/codec_params.hpp"
#include "codecs/decoder.hpp"
#include "codecs/demuxer.hpp"

namespace pvenc::codecs {
namespace {

const AVCodec* find_audio_encoder(const std::string& codec) {
  if (codec == "aac") return avcodec_find_encoder_by_name("aac");
  if (codec == "opus") {
    if (const AVCodec* c = avcodec_find_encoder_by_name("libopus")) return c;
    return avcodec_find_encoder_by_name("opus");
  }
  return nullptr;
}

int choose_sample_rate(const AVCodec& codec, int source_rate) {
  if (!codec.supported_samplerates) return source_rate;
  int best = codec.supported_samplerates[0];
  for (const int* r = codec.supported_samplerates; *r; ++r) {
    if (*r == source_rate) return source_rate;
    if (*r > best) best = *r;
  }
  return best;
}

}  // namespace

struct audio_transcoder::impl {
  impl(const std::string& path, const audio_settings& s, double origin_s)
      : input(path), settings(s), packet(make_packet()), encoded(make_packet()) {
    stream = input.best_audio_stream();
    if (stream < 0) throw av_error(path + ": no audio stream");
    input.select_streams({stream});
    AVStream* st = input.context().streams[stream];
    source_tb = st->time_base;
    origin =
        av_rescale_q(static_cast<std::int64_t>(origin_s * AV_TIME_BASE), AV_TIME_BASE_Q, source_tb);
    if (s.codec == "copy") {
      out = input.params(stream);
      return;
    }
    open_encoder(input.params(stream));
  }

  void open_encoder(const stream_params& source) {
    dec = std::make_unique<decoder>(source, 1);
    const AVCodec* codec = find_audio_encoder(settings.codec);
    if (!codec) throw av_error("no " + settings.codec + " audio encoder in this FFmpeg build");
    enc.reset(avcodec_alloc_context3(codec));
    if (!enc) throw av_error("out of memory", AVERROR(ENOMEM));
    enc->sample_rate = choose_sample_rate(*codec, source.sample_rate);
    enc->sample_fmt = codec->sample_fmts ? codec->sample_fmts[0] : AV_SAMPLE_FMT_FLTP;
    int channels = std::min(source.channels > 0 ? source.channels : 2, 8);
    if (source.channel_mask && source.channels <= 8)
      av_channel_layout_from_mask(&enc->ch_layout, source.channel_mask);
    else
      av_channel_layout_default(&enc->ch_layout, channels);
    enc->bit_rate = settings.bitrate;
    enc->time_base = AVRational{1, enc->sample_rate};
    enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    check_av(avcodec_open2(enc.get(), codec, nullptr),
             std::string("opening the ") + codec->name + " encoder");
    AVCodecParameters* par = avcodec_parameters_alloc();
    avcodec_parameters_from_context(par, enc.get());
    out = to_stream_params(*par, enc->time_base);
    avcodec_parameters_free(&par);
    fifo.reset(av_audio_fifo_alloc(enc->sample_fmt, enc->ch_layout.nb_channels, 4096));
    if (!fifo) throw av_error("out of memory", AVERROR(ENOMEM));
  }

  void run(const packet_sink& sink, const std::atomic<bool>* cancel) {
    while (input.read(*packet)) {
      if (cancel && cancel->load()) throw av_error("cancelled");
      if (!enc) {
        copy_packet(sink);
        continue;
      }
      dec->decode(packet.get(), [&](AVFrame& f) { push_samples(f, sink); });
    }
    if (!enc) return;
    dec->decode(nullptr, [&](AVFrame& f) { push_samples(f, sink); });
    drain_fifo(sink, true);
    encode(nullptr, sink);
  }

  void copy_packet(const packet_sink& sink) {
    media_packet p = to_media_packet(*packet);
    if (p.pts != no_timestamp) p.pts -= origin;
    if (p.dts != no_timestamp) p.dts -= origin;
    sink(std::move(p));
  }

  void push_samples(AVFrame& f, const packet_sink& sink) {
    if (!swr) open_resampler(f);
    if (next_pts == no_timestamp) {
      // frame.pts already excludes skipped priming samples; best_effort may not.
      std::int64_t ts = f.pts != no_timestamp                     ? f.pts
                        : f.best_effort_timestamp != no_timestamp ? f.best_effort_timestamp
                                                                  : origin;
      next_pts = av_rescale_q(ts - origin, source_tb, enc->time_base);
    }
    int max_out = swr_get_out_samples(swr.get(), f.nb_samples);
    frame_ptr converted = make_frame();
    converted->format = enc->sample_fmt;
    converted->nb_samples = max_out;
    check_av(av_channel_layout_copy(&converted->ch_layout, &enc->ch_layout), "channel layout");
    check_av(av_frame_get_buffer(converted.get(), 0), "allocating audio");
    int got = check_av(swr_convert(swr.get(), converted->data, max_out,
                                   const_cast<const uint8_t**>(f.extended_data), f.nb_samples),
                       "resampling audio");
    check_av(av_audio_fifo_write(fifo.get(), reinterpret_cast<void**>(converted->data), got),
             "buffering audio");
    drain_fifo(sink, false);
  }

  void open_resampler(const AVFrame& f) {
    SwrContext* raw = nullptr;
    check_av(swr_alloc_set_opts2(&raw, &enc->ch_layout, enc->sample_fmt, enc->sample_rate,
                                 const_cast<AVChannelLayout*>(&f.ch_layout),
                                 static_cast<AVSampleFormat>(f.format), f.sample_rate, 0, nullptr),
             "configuring the resampler");
    swr.reset(raw);
    check_av(swr_init(swr.get()), "opening the resampler");
  }

  void drain_fifo(const packet_sink& sink, bool final) {
    int frame_size = enc->frame_size > 0 ? enc->frame_size : 1024;
    while (av_audio_fifo_size(fifo.get()) >= frame_size ||
           (final && av_audio_fifo_size(fifo.get()) > 0)) {
      int n = std::min(frame_size, av_audio_fifo_size(fifo.get()));
      frame_ptr chunk = make_frame();
      chunk->format = enc->sample_fmt;
      chunk->nb_samples = n;
      chunk->sample_rate = enc->sample_rate;
      check_av(av_channel_layout_copy(&chunk->ch_layout, &enc->ch_layout), "channel layout");
      check_av(av_frame_get_buffer(chunk.get(), 0), "allocating audio");
      av_audio_fifo_read(fifo.get(), reinterpret_cast<void**>(chunk->data), n);
      chunk->pts = next_pts;
      next_pts += n;
      encode(chunk.get(), sink);
    }
  }

  void encode(const AVFrame* f, const packet_sink& sink) {
    int ret = avcodec_send_frame(enc.get(), f);
    if (ret != AVERROR_EOF) check_av(ret, "encoding audio");
    for (;;) {
      ret = avcodec_receive_packet(enc.get(), encoded.get());
      if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return;
      check_av(ret, "encoding audio");
      sink(to_media_packet(*encoded));
      av_packet_unref(encoded.get());
    }
  }

  demuxer input;
  audio_settings settings;
  int stream = -1;
  AVRational source_tb{1, 1};
  std::int64_t origin = 0;
  std::int64_t next_pts = no_timestamp;
  std::unique_ptr<decoder> dec;
  codec_context_ptr enc;
  swr_ptr swr;
  audio_fifo_ptr fifo;
  packet_ptr packet;   // read from the input
  packet_ptr encoded;  // from the encoder
  stream_params out;
};

audio_transcoder::audio_transcoder(const std::string& path, const audio_settings& settings,
                                   double origin_s)
    : impl_(std::make_unique<impl>(path, settings, origin_s)) {}

audio_transcoder::~audio_transcoder() = default;

const stream_params& audio_transcoder::output_params() const {
  return impl_->out;
}

void audio_transcoder::run(const packet_sink& sink, const std::atomic<bool>* cancel) {
  impl_->run(sink, cancel);
}

}  // namespace pvenc::codecs
