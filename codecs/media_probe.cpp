#include "codecs/media_probe.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "codecs/av_error.hpp"
#include "codecs/codec_params.hpp"
#include "codecs/decoder.hpp"
#include "codecs/demuxer.hpp"
#include "codecs/keyframe_check.hpp"

extern "C" {
#include <libavutil/intreadwrite.h>
#include <libavutil/pixdesc.h>
}

namespace pvenc::codecs {
namespace {

double seconds(std::int64_t ts, AVRational tb) {
  return ts * av_q2d(tb);
}

// Fills missing pts from dts, or from the frame rate when both are missing.
void repair_timestamps(std::vector<packet_entry>& packets, AVRational rate, AVRational tb) {
  std::int64_t frame_ticks = rate.num ? av_rescale_q(1, av_inv_q(rate), tb) : 1;
  std::int64_t next = 0;
  for (auto& p : packets) {
    if (p.pts == no_timestamp) p.pts = p.dts != no_timestamp ? p.dts : next;
    next = p.pts + std::max<std::int64_t>(p.duration > 0 ? p.duration : frame_ticks, 1);
  }
}

bool is_variable_rate(const std::vector<std::int64_t>& sorted_pts) {
  if (sorted_pts.size() < 3) return false;
  std::int64_t lo = INT64_MAX, hi = 0;
  for (size_t i = 1; i < sorted_pts.size(); ++i) {
    std::int64_t d = sorted_pts[i] - sorted_pts[i - 1];
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  // Timestamps rounded to the time base jitter by one tick on constant-rate sources.
  return hi - lo > std::max<std::int64_t>(1, lo / 50);
}

// Ticks of leading samples that the decoder will skip (AV_PKT_DATA_SKIP_SAMPLES).
std::int64_t skipped_ticks(const AVPacket& pkt, const AVStream& st) {
  size_t size = 0;
  const uint8_t* data = av_packet_get_side_data(&pkt, AV_PKT_DATA_SKIP_SAMPLES, &size);
  if (!data || size < 4 || st.codecpar->sample_rate <= 0) return 0;
  std::int64_t samples = AV_RL32(data);
  return av_rescale_q(samples, AVRational{1, st.codecpar->sample_rate}, st.time_base);
}

// Opening a decoder is the check: a codec FFmpeg cannot decode fails here, before any work.
void check_video_decodes(demuxer& input, int stream) {
  try {
    decoder probe_decoder(input.params(stream), 1);
  } catch (const av_error& e) {
    throw av_error(input.path() + ": " + e.what());
  }
}

void finish_video(video_info& v, AVRational tb) {
  repair_timestamps(v.packets, to_av(v.frame_rate), tb);
  std::vector<std::int64_t> pts;
  pts.reserve(v.packets.size());
  for (const auto& p : v.packets) pts.push_back(p.pts);
  std::sort(pts.begin(), pts.end());
  v.frame_count = static_cast<std::int64_t>(v.packets.size());
  v.variable_frame_rate = is_variable_rate(pts);
  if (pts.empty()) return;
  std::int64_t last_duration = pts.size() > 1 ? pts.back() - pts[pts.size() - 2] : 0;
  for (const auto& p : v.packets)
    if (p.pts == pts.back() && p.duration > 0) last_duration = p.duration;
  v.start_s = seconds(pts.front(), tb);
  v.duration_s = seconds(pts.back() + last_duration - pts.front(), tb);
  if (!v.frame_rate.num && v.duration_s > 0)
    v.frame_rate =
        rational{static_cast<int>(std::lround(v.frame_count / v.duration_s * 1000)), 1000};
}

}  // namespace

media_info probe_media(const std::string& path) {
  demuxer input(path);
  AVFormatContext& ctx = input.context();
  media_info info;
  info.path = path;
  info.format_name = ctx.iformat->name;
  info.seekable = !input.is_generated() && ctx.pb && (ctx.pb->seekable & AVIO_SEEKABLE_NORMAL);
  if (!input.is_generated()) {
    std::error_code ec;
    info.size_bytes = static_cast<std::int64_t>(std::filesystem::file_size(path, ec));
  }

  video_info& v = info.video;
  v.stream_index = input.best_video_stream();
  if (v.stream_index < 0) throw av_error(path + ": no video stream");
  check_video_decodes(input, v.stream_index);
  AVStream* vst = ctx.streams[v.stream_index];
  v.params = input.params(v.stream_index);
  v.frame_rate = v.params.frame_rate;
  v.codec_name = avcodec_get_name(vst->codecpar->codec_id);
  const char* pix = av_get_pix_fmt_name(static_cast<AVPixelFormat>(vst->codecpar->format));
  v.pixel_format = pix ? pix : "unknown";

  struct audio_span {
    std::int64_t first = no_timestamp, end = no_timestamp;
  };
  std::vector<audio_span> spans;
  std::vector<int> wanted{v.stream_index};
  for (unsigned i = 0; i < ctx.nb_streams; ++i) {
    const AVCodecParameters* par = ctx.streams[i]->codecpar;
    if (par->codec_type != AVMEDIA_TYPE_AUDIO) continue;
    audio_info a;
    a.stream_index = static_cast<int>(i);
    a.codec_name = avcodec_get_name(par->codec_id);
    a.sample_rate = par->sample_rate;
    a.channels = par->ch_layout.nb_channels;
    info.audio.push_back(a);
    spans.emplace_back();
    wanted.push_back(static_cast<int>(i));
  }
  input.select_streams(wanted);

  packet_ptr pkt = make_packet();
  while (input.read(*pkt)) {
    if (pkt->stream_index == v.stream_index) {
      packet_entry e;
      e.pts = pkt->pts;
      e.dts = pkt->dts;
      e.duration = pkt->duration;
      e.size = pkt->size;
      e.keyframe = (pkt->flags & AV_PKT_FLAG_KEY) != 0;
      e.clean_start =
          e.keyframe && is_clean_start(v.params.codec_id, v.params.extradata, pkt->data, pkt->size);
      v.packets.push_back(e);
      continue;
    }
    for (size_t i = 0; i < info.audio.size(); ++i) {
      if (info.audio[i].stream_index != pkt->stream_index) continue;
      std::int64_t ts = pkt->pts != no_timestamp ? pkt->pts : pkt->dts;
      if (ts == no_timestamp) continue;
      auto& s = spans[i];
      // The audio starts at its first packet plus the encoder priming (AAC, MP3) that
      // decoders drop; the skipped samples may span several packets.
      if (s.first == no_timestamp)
        s.first = ts + skipped_ticks(*pkt, *ctx.streams[pkt->stream_index]);
      s.end = std::max(s.end, ts + pkt->duration);
    }
  }
  if (v.packets.empty()) throw av_error(path + ": the video stream has no frames");
  finish_video(v, vst->time_base);
  for (size_t i = 0; i < info.audio.size(); ++i) {
    AVRational tb = ctx.streams[info.audio[i].stream_index]->time_base;
    if (spans[i].first == no_timestamp) continue;
    info.audio[i].start_s = seconds(spans[i].first, tb);
    info.audio[i].duration_s = seconds(spans[i].end - spans[i].first, tb);
  }
  info.duration_s = v.duration_s;
  for (const auto& a : info.audio)
    info.duration_s = std::max(info.duration_s, a.start_s + a.duration_s - v.start_s);
  return info;
}

}  // namespace pvenc::codecs
