#include "codecs/codec_params.hpp"

#include <cstring>

#include "codecs/av_error.hpp"

namespace pvenc::codecs {

stream_params to_stream_params(const AVCodecParameters& par, AVRational time_base) {
  stream_params p;
  p.codec_type = par.codec_type;
  p.codec_id = par.codec_id;
  p.codec_tag = par.codec_tag;
  if (par.extradata && par.extradata_size > 0)
    p.extradata.assign(par.extradata, par.extradata + par.extradata_size);
  p.time_base = from_av(time_base);
  p.bit_rate = par.bit_rate;
  p.profile = par.profile;
  p.level = par.level;
  p.width = par.width;
  p.height = par.height;
  p.format = par.format;
  p.sample_aspect_ratio = from_av(par.sample_aspect_ratio);
  p.bits_per_coded_sample = par.bits_per_coded_sample;
  p.bits_per_raw_sample = par.bits_per_raw_sample;
  p.field_order = par.field_order;
  p.color_range = par.color_range;
  p.color_primaries = par.color_primaries;
  p.color_trc = par.color_trc;
  p.color_space = par.color_space;
  p.chroma_location = par.chroma_location;
  p.video_delay = par.video_delay;
  p.sample_rate = par.sample_rate;
  p.channels = par.ch_layout.nb_channels;
  p.channel_mask = par.ch_layout.order == AV_CHANNEL_ORDER_NATIVE ? par.ch_layout.u.mask : 0;
  p.frame_size = par.frame_size;
  p.block_align = par.block_align;
  p.initial_padding = par.initial_padding;
  return p;
}

void fill_codec_parameters(const stream_params& p, AVCodecParameters& par) {
  par.codec_type = static_cast<AVMediaType>(p.codec_type);
  par.codec_id = static_cast<AVCodecID>(p.codec_id);
  par.codec_tag = p.codec_tag;
  av_freep(&par.extradata);
  par.extradata_size = 0;
  if (!p.extradata.empty()) {
    par.extradata =
        static_cast<uint8_t*>(av_mallocz(p.extradata.size() + AV_INPUT_BUFFER_PADDING_SIZE));
    if (!par.extradata) throw av_error("out of memory copying extradata", AVERROR(ENOMEM));
    std::memcpy(par.extradata, p.extradata.data(), p.extradata.size());
    par.extradata_size = static_cast<int>(p.extradata.size());
  }
  par.bit_rate = p.bit_rate;
  par.profile = p.profile;
  par.level = p.level;
  par.width = p.width;
  par.height = p.height;
  par.format = p.format;
  par.sample_aspect_ratio = to_av(p.sample_aspect_ratio);
  par.bits_per_coded_sample = p.bits_per_coded_sample;
  par.bits_per_raw_sample = p.bits_per_raw_sample;
  par.field_order = static_cast<AVFieldOrder>(p.field_order);
  par.color_range = static_cast<AVColorRange>(p.color_range);
  par.color_primaries = static_cast<AVColorPrimaries>(p.color_primaries);
  par.color_trc = static_cast<AVColorTransferCharacteristic>(p.color_trc);
  par.color_space = static_cast<AVColorSpace>(p.color_space);
  par.chroma_location = static_cast<AVChromaLocation>(p.chroma_location);
  par.video_delay = p.video_delay;
  par.sample_rate = p.sample_rate;
  av_channel_layout_uninit(&par.ch_layout);
  if (p.channels > 0) {
    if (p.channel_mask)
      av_channel_layout_from_mask(&par.ch_layout, p.channel_mask);
    else
      av_channel_layout_default(&par.ch_layout, p.channels);
  }
  par.frame_size = p.frame_size;
  par.block_align = p.block_align;
  par.initial_padding = p.initial_padding;
}

media_packet to_media_packet(const AVPacket& pkt) {
  media_packet out;
  out.pts = pkt.pts;
  out.dts = pkt.dts;
  out.duration = pkt.duration;
  out.keyframe = (pkt.flags & AV_PKT_FLAG_KEY) != 0;
  out.data.assign(pkt.data, pkt.data + pkt.size);
  return out;
}

void fill_av_packet(const media_packet& packet, AVPacket& pkt) {
  av_packet_unref(&pkt);
  check_av(av_new_packet(&pkt, static_cast<int>(packet.data.size())), "allocating a packet");
  if (!packet.data.empty()) std::memcpy(pkt.data, packet.data.data(), packet.data.size());
  pkt.pts = packet.pts;
  pkt.dts = packet.dts;
  pkt.duration = packet.duration;
  if (packet.keyframe) pkt.flags |= AV_PKT_FLAG_KEY;
}

}  // namespace pvenc::codecs
