#include "codecs/demuxer.hpp"

#include "codecs/av_error.hpp"
#include "codecs/codec_params.hpp"

extern "C" {
#include <libavdevice/avdevice.h>
}

namespace pvenc::codecs {
namespace {
constexpr const char* lavfi_prefix = "lavfi:";
}

demuxer::demuxer(const std::string& path) : path_(path) {
  const AVInputFormat* format = nullptr;
  std::string url = path;
  if (path.rfind(lavfi_prefix, 0) == 0) {
    avdevice_register_all();
    format = av_find_input_format("lavfi");
    url = path.substr(std::string(lavfi_prefix).size());
    generated_ = true;
  }
  AVFormatContext* raw = nullptr;
  int ret = avformat_open_input(&raw, url.c_str(), format, nullptr);
  if (ret < 0) throw av_error("cannot open input " + path + ": " + av_error_text(ret), ret);
  ctx_.reset(raw);
  // Missing pts (MPEG-PS/ES B-frames) are filled by libavformat from the parsed stream, the
  // same way for the analyzer and for every segment read.
  ctx_->flags |= AVFMT_FLAG_GENPTS;
  ret = avformat_find_stream_info(ctx_.get(), nullptr);
  if (ret < 0)
    throw av_error("cannot read stream info of " + path + ": " + av_error_text(ret), ret);
}

int demuxer::best_video_stream() const {
  int index = av_find_best_stream(ctx_.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (index < 0) return -1;
  // Cover art and other attached pictures are not the video.
  if (ctx_->streams[index]->disposition & AV_DISPOSITION_ATTACHED_PIC) return -1;
  return index;
}

int demuxer::best_audio_stream() const {
  int index = av_find_best_stream(ctx_.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  return index < 0 ? -1 : index;
}

stream_params demuxer::params(int stream_index) const {
  const AVStream* st = ctx_->streams[stream_index];
  stream_params p = to_stream_params(*st->codecpar, st->time_base);
  AVRational rate = st->avg_frame_rate.num ? st->avg_frame_rate : st->r_frame_rate;
  p.frame_rate = from_av(rate);
  return p;
}

void demuxer::select_streams(const std::vector<int>& wanted) {
  for (unsigned i = 0; i < ctx_->nb_streams; ++i) {
    bool keep = false;
    for (int w : wanted) keep = keep || static_cast<int>(i) == w;
    ctx_->streams[i]->discard = keep ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
  }
}

bool demuxer::read(AVPacket& pkt) {
  av_packet_unref(&pkt);
  for (;;) {
    int ret = av_read_frame(ctx_.get(), &pkt);
    if (ret == AVERROR_EOF) return false;
    if (ret == AVERROR(EAGAIN)) continue;
    if (ret < 0) {
      // Some demuxers report the end of a truncated file as an I/O error after the last packet.
      if (ctx_->pb && avio_feof(ctx_->pb)) return false;
      throw av_error("reading " + path_ + ": " + av_error_text(ret), ret);
    }
    if (ctx_->streams[pkt.stream_index]->discard == AVDISCARD_ALL) {
      av_packet_unref(&pkt);
      continue;
    }
    return true;
  }
}

bool demuxer::seek_before(int stream_index, std::int64_t dts) {
  if (generated_) return false;
  int ret = av_seek_frame(ctx_.get(), stream_index, dts, AVSEEK_FLAG_BACKWARD);
  if (ret < 0)
    ret = av_seek_frame(ctx_.get(), stream_index, dts, AVSEEK_FLAG_BACKWARD | AVSEEK_FLAG_ANY);
  return ret >= 0;
}

}  // namespace pvenc::codecs
