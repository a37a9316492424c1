// The libav half of media_check_util.hpp: temp_dir and read_media (process_util.cpp has the
// rest).
#include "media_check_util.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/intreadwrite.h>
#include <libavutil/pixdesc.h>
#include <libavutil/samplefmt.h>
}

namespace pvenc::e2e {
namespace {

// ---- libav objects, owned ----

struct format_closer {
  void operator()(AVFormatContext* f) const { avformat_close_input(&f); }
};
struct codec_closer {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct packet_freer {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct frame_freer {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
using format_ptr = std::unique_ptr<AVFormatContext, format_closer>;
using codec_ptr = std::unique_ptr<AVCodecContext, codec_closer>;
using packet_ptr = std::unique_ptr<AVPacket, packet_freer>;
using frame_ptr = std::unique_ptr<AVFrame, frame_freer>;

double seconds(std::int64_t ts, AVRational tb) {
  return static_cast<double>(ts) * tb.num / tb.den;
}

std::string error_text(int rc) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(rc, text, sizeof text);
  return text;
}

bool is_flow_control(int rc) {
  return rc == AVERROR(EAGAIN) || rc == AVERROR_EOF;
}

// The video decoder, and everything it has returned so far.
class video_reader {
 public:
  video_reader(const AVStream* stream, video_facts& facts) : tb_(stream->time_base), f_(facts) {
    const AVCodec* codec = avcodec_find_decoder(stream->codecpar->codec_id);
    if (!codec) throw std::runtime_error("no decoder for the video stream");
    ctx_.reset(avcodec_alloc_context3(codec));
    avcodec_parameters_to_context(ctx_.get(), stream->codecpar);
    ctx_->pkt_timebase = stream->time_base;
    ctx_->thread_count = 2;
    // Frames decoded from missing references come out (flagged corrupt) instead of vanishing.
    ctx_->flags |= AV_CODEC_FLAG_OUTPUT_CORRUPT;
    if (avcodec_open2(ctx_.get(), codec, nullptr) < 0)
      throw std::runtime_error("cannot open the video decoder");
    f_.codec = avcodec_get_name(stream->codecpar->codec_id);
    f_.width = stream->codecpar->width;
    f_.height = stream->codecpar->height;
  }

  // nullptr: flush.
  void decode(const AVPacket* packet) {
    int rc = avcodec_send_packet(ctx_.get(), packet);
    if (rc < 0 && !is_flow_control(rc)) ++f_.decode_errors;
    receive();
  }

 private:
  void receive() {
    for (;;) {
      int rc = avcodec_receive_frame(ctx_.get(), frame_.get());
      if (is_flow_control(rc)) return;
      if (rc < 0) {
        ++f_.decode_errors;
        return;
      }
      ++f_.frames;
      if (frame_->decode_error_flags != 0 || (frame_->flags & AV_FRAME_FLAG_CORRUPT))
        ++f_.decode_errors;
      std::int64_t ts = frame_->best_effort_timestamp != AV_NOPTS_VALUE
                            ? frame_->best_effort_timestamp
                            : frame_->pts;
      f_.pts_s.push_back(ts == AV_NOPTS_VALUE ? -1e9 : seconds(ts, tb_));
      const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(frame_->format));
      f_.pixel_format = name ? name : "";
      f_.width = frame_->width;
      f_.height = frame_->height;
      av_frame_unref(frame_.get());
    }
  }

  AVRational tb_;
  video_facts& f_;
  codec_ptr ctx_;
  frame_ptr frame_{av_frame_alloc()};
};

// The audio decoder; finds the first sample loud enough to be the start of the sound.
class audio_reader {
 public:
  audio_reader(const AVStream* stream, audio_facts& facts) : tb_(stream->time_base), f_(facts) {
    const AVCodec* codec = avcodec_find_decoder(stream->codecpar->codec_id);
    if (!codec) throw std::runtime_error("no decoder for the audio stream");
    ctx_.reset(avcodec_alloc_context3(codec));
    avcodec_parameters_to_context(ctx_.get(), stream->codecpar);
    ctx_->pkt_timebase = stream->time_base;
    if (avcodec_open2(ctx_.get(), codec, nullptr) < 0)
      throw std::runtime_error("cannot open the audio decoder");
  }

  // nullptr: flush.
  void decode(const AVPacket* packet) {
    int rc = avcodec_send_packet(ctx_.get(), packet);
    if (rc < 0 && !is_flow_control(rc)) ++f_.decode_errors;
    for (;;) {
      rc = avcodec_receive_frame(ctx_.get(), frame_.get());
      if (is_flow_control(rc)) return;
      if (rc < 0) {
        ++f_.decode_errors;
        return;
      }
      if (f_.onset_s < 0) find_onset(*frame_);
      av_frame_unref(frame_.get());
    }
  }

 private:
  // Channel 0's sample `i` on a scale of -1..1.
  static double sample(const AVFrame& f, int i) {
    auto format = static_cast<AVSampleFormat>(f.format);
    bool planar = av_sample_fmt_is_planar(format);
    int step = planar ? 1 : f.ch_layout.nb_channels;
    const uint8_t* data = f.extended_data[0];
    switch (av_get_packed_sample_fmt(format)) {
      case AV_SAMPLE_FMT_U8:
        return (data[i * step] - 128) / 128.0;
      case AV_SAMPLE_FMT_S16:
        return reinterpret_cast<const int16_t*>(data)[i * step] / 32768.0;
      case AV_SAMPLE_FMT_S32:
        return reinterpret_cast<const int32_t*>(data)[i * step] / 2147483648.0;
      case AV_SAMPLE_FMT_FLT:
        return reinterpret_cast<const float*>(data)[i * step];
      case AV_SAMPLE_FMT_DBL:
        return reinterpret_cast<const double*>(data)[i * step];
      default:
        return 0;
    }
  }

  void find_onset(const AVFrame& f) {
    std::int64_t ts = f.best_effort_timestamp != AV_NOPTS_VALUE ? f.best_effort_timestamp : f.pts;
    if (ts == AV_NOPTS_VALUE || f.sample_rate <= 0) return;
    for (int i = 0; i < f.nb_samples; ++i) {
      if (std::fabs(sample(f, i)) < 0.02) continue;
      f_.onset_s = seconds(ts, tb_) + static_cast<double>(i) / f.sample_rate;
      return;
    }
  }

  AVRational tb_;
  audio_facts& f_;
  codec_ptr ctx_;
  frame_ptr frame_{av_frame_alloc()};
};

// Audible start: the first packet's pts plus the samples its side data says to skip.
double skipped_seconds(const AVPacket* p, int sample_rate) {
  size_t size = 0;
  const uint8_t* data = av_packet_get_side_data(p, AV_PKT_DATA_SKIP_SAMPLES, &size);
  if (!data || size < 4 || sample_rate <= 0) return 0;
  return static_cast<double>(AV_RL32(data)) / sample_rate;
}

double median_interval(std::vector<double> pts) {
  std::sort(pts.begin(), pts.end());
  std::vector<double> d;
  for (std::size_t i = 1; i < pts.size(); ++i) d.push_back(pts[i] - pts[i - 1]);
  if (d.empty()) return 0;
  std::nth_element(d.begin(), d.begin() + d.size() / 2, d.end());
  return d[d.size() / 2];
}

void read_streams(const std::string& path, media_facts& m) {
  AVFormatContext* raw = nullptr;
  int rc = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (rc < 0) throw std::runtime_error("cannot open " + path + ": " + error_text(rc));
  format_ptr fmt(raw);
  if (avformat_find_stream_info(fmt.get(), nullptr) < 0)
    throw std::runtime_error("cannot read the streams of " + path);
  m.format = fmt->iformat->name;
  int audio_index = -1;
  for (unsigned i = 0; i < fmt->nb_streams; ++i) {
    auto type = fmt->streams[i]->codecpar->codec_type;
    if (type == AVMEDIA_TYPE_VIDEO) ++m.video_streams;
    if (type == AVMEDIA_TYPE_AUDIO && ++m.audio_streams == 1) audio_index = static_cast<int>(i);
  }
  int video_index = av_find_best_stream(fmt.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  std::unique_ptr<video_reader> video;
  std::unique_ptr<audio_reader> audio;
  AVRational vtb{1, 1}, atb{1, 1};
  if (video_index >= 0) {
    m.video.present = true;
    video = std::make_unique<video_reader>(fmt->streams[video_index], m.video);
    vtb = fmt->streams[video_index]->time_base;
  }
  if (audio_index >= 0) {
    const AVCodecParameters* par = fmt->streams[audio_index]->codecpar;
    m.audio.present = true;
    m.audio.codec = avcodec_get_name(par->codec_id);
    m.audio.sample_rate = par->sample_rate;
    atb = fmt->streams[audio_index]->time_base;
    audio = std::make_unique<audio_reader>(fmt->streams[audio_index], m.audio);
  }
  packet_ptr packet(av_packet_alloc());
  bool video_seen = false, audio_seen = false;
  std::vector<double> packet_pts;
  double last_video_end = 0;
  bool last_has_duration = true;
  while ((rc = av_read_frame(fmt.get(), packet.get())) >= 0) {
    const AVPacket* p = packet.get();
    if (p->stream_index == video_index) {
      if (p->flags & AV_PKT_FLAG_KEY) {
        ++m.video.keyframe_packets;
        if (p->pts != AV_NOPTS_VALUE) m.video.keyframe_s.push_back(seconds(p->pts, vtb));
      }
      if (p->pts != AV_NOPTS_VALUE) {
        double pts = seconds(p->pts, vtb);
        double end = pts + seconds(p->duration, vtb);
        packet_pts.push_back(pts);
        if (!video_seen || pts < m.video.start_s) m.video.start_s = pts;
        if (!video_seen || end >= last_video_end) {
          last_video_end = end;
          last_has_duration = p->duration > 0;
        }
        video_seen = true;
      }
      video->decode(p);
    } else if (p->stream_index == audio_index && p->pts != AV_NOPTS_VALUE) {
      double pts = seconds(p->pts, atb);
      if (!audio_seen) {
        m.audio.first_pts_s = pts;
        m.audio.start_s = pts + skipped_seconds(p, m.audio.sample_rate);
      }
      m.audio.end_s = std::max(m.audio.end_s, pts + seconds(p->duration, atb));
      audio_seen = true;
      audio->decode(p);
    }
    av_packet_unref(packet.get());
  }
  if (rc != AVERROR_EOF) throw std::runtime_error("reading " + path + ": " + error_text(rc));
  if (video) video->decode(nullptr);
  if (audio) audio->decode(nullptr);
  // A last packet without a duration (some containers) lasts one typical frame.
  m.video.end_s = last_video_end + (last_has_duration ? 0 : median_interval(packet_pts));
}

}  // namespace

// ---- temp_dir ----

temp_dir::temp_dir() {
  std::random_device random;
  std::uniform_int_distribution<unsigned long long> any;
  std::ostringstream name;
  name << "pvenc-e2e-" << std::hex << any(random);
  path_ = fs::temp_directory_path() / name.str();
  fs::create_directories(path_);
}

temp_dir::~temp_dir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

// ---- media ----

media_facts read_media(const std::string& path) {
  media_facts m;
  av_log_set_level(AV_LOG_QUIET);
  try {
    read_streams(path, m);
  } catch (const std::exception& e) {
    m.error = e.what();
  }
  return m;
}

bool is_variable_rate(const std::vector<double>& pts_s) {
  std::vector<double> sorted = pts_s;
  std::sort(sorted.begin(), sorted.end());
  if (sorted.size() < 3) return false;
  double lo = 1e9, hi = 0;
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    lo = std::min(lo, sorted[i] - sorted[i - 1]);
    hi = std::max(hi, sorted[i] - sorted[i - 1]);
  }
  return hi - lo > 0.0025;  // ms-rounded timestamps (Matroska) jitter by 1 ms
}

}  // namespace pvenc::e2e
