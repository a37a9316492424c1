#include "actors/segmenter.hpp"

#include <memory>

#include <spdlog/spdlog.h>

#include "actors/protocol.hpp"
#include "actors/segment_plan.hpp"
#include "codecs/av_error.hpp"
#include "codecs/av_ptr.hpp"
#include "codecs/codec_params.hpp"
#include "codecs/demuxer.hpp"

namespace pvenc::actors {
namespace {

struct segmenter_state {
  codecs::media_info info;
  double origin_s = 0;
  codecs::video_encode_settings settings;
  std::unique_ptr<codecs::demuxer> input;
  std::int64_t next_packet = 0;  // index of the packet the next read() returns
  codecs::packet_ptr pkt = codecs::make_packet();
  std::vector<codecs::media_packet> priming;  // the stream's first packet, once read
};

// Positions the reader so that the next video packet read is `index`.
void position_at(segmenter_state& st, std::int64_t index) {
  if (!st.input || index < st.next_packet) {
    const auto& target = st.info.video.packets[index];
    bool can_seek = st.input && target.dts != codecs::no_timestamp;
    if (!can_seek || !st.input->seek_before(st.info.video.stream_index, target.dts)) {
      st.input = std::make_unique<codecs::demuxer>(st.info.path);  // reopen and read forward
      st.input->select_streams({st.info.video.stream_index});
      st.next_packet = 0;
    } else {
      // After a seek the position is unknown: find the target packet by its timestamps.
      while (st.input->read(*st.pkt)) {
        bool same_dts = st.pkt->dts == target.dts;
        bool same_pts = st.pkt->pts == codecs::no_timestamp || st.pkt->pts == target.pts;
        if (same_dts && same_pts) {
          st.next_packet = index;
          return;  // the packet in st.pkt is `index`; read_segment takes it first
        }
      }
      throw codecs::av_error("cannot find segment start after seeking in " + st.info.path);
    }
  }
  while (st.next_packet < index) {
    if (!st.input->read(*st.pkt)) throw codecs::av_error(st.info.path + " ended early");
    ++st.next_packet;
  }
  av_packet_unref(st.pkt.get());
}

// Reads packet 0 of the video stream (kept to prime decoders of later segments).
void read_priming_packet(segmenter_state& st) {
  position_at(st, 0);
  bool have_current = st.pkt->data != nullptr;
  if (!have_current && !st.input->read(*st.pkt)) throw codecs::av_error(st.info.path + " is empty");
  st.priming.push_back(codecs::to_media_packet(*st.pkt));
  st.priming.back().pts = st.info.video.packets[0].pts;
  av_packet_unref(st.pkt.get());
  st.next_packet = 1;
}

codecs::segment_source read_segment(segmenter_state& st, const segment_spec& spec) {
  if (spec.first_packet > 0 && st.priming.empty()) read_priming_packet(st);
  position_at(st, spec.first_packet);
  codecs::segment_source src;
  src.segment_id = spec.id;
  src.video = st.info.video.params;
  const auto& entries = st.info.video.packets;
  AVRational tb = codecs::to_av(src.video.time_base);
  src.origin_pts =
      av_rescale_q(static_cast<std::int64_t>(st.origin_s * AV_TIME_BASE), AV_TIME_BASE_Q, tb);
  src.start_pts = spec.start_pts;
  src.end_pts = spec.end_pts;
  src.keyframe_pts = spec.keyframe_pts;
  codecs::output_size(src.video, st.settings, src.output_width, src.output_height);
  if (spec.first_packet > 0) src.priming = st.priming;
  src.packets.reserve(spec.packet_count);
  bool have_current = st.pkt->data != nullptr;
  for (std::int64_t i = 0; i < spec.packet_count; ++i) {
    if (!have_current && !st.input->read(*st.pkt))
      throw codecs::av_error(st.info.path + ": segment " + std::to_string(spec.id) +
                             " ends early (file changed since analysis?)");
    have_current = false;
    codecs::media_packet p = codecs::to_media_packet(*st.pkt);
    p.pts = entries[spec.first_packet + i].pts;  // repaired by the analyzer
    if (spec.first_packet + i == 0 && st.priming.empty()) st.priming.push_back(p);
    src.packets.push_back(std::move(p));
    av_packet_unref(st.pkt.get());
    ++st.next_packet;
  }
  return src;
}

caf::behavior segmenter(caf::stateful_actor<segmenter_state>* self, double origin_s,
                        codecs::video_encode_settings settings) {
  self->state.origin_s = origin_s;
  self->state.settings = settings;
  return {
      [=](plan_atom, const codecs::media_info& info, const scene_info& scenes,
          const segment_rules& rules) {
        self->state.info = info;
        plan_options options;
        options.rules = rules;
        options.scenes = scenes;
        options.by_cost = info.seekable;
        return plan_segments(info, options);
      },
      [=](read_atom, const segment_spec& spec) -> caf::result<codecs::segment_source> {
        try {
          return read_segment(self->state, spec);
        } catch (const std::exception& e) {
          return caf::make_error(caf::sec::runtime_error, std::string(e.what()));
        }
      },
      [=](split_atom, const segment_spec& parent, std::int64_t at_frame,
          int id) -> caf::result<segment_split> {
        if (at_frame <= parent.start_frame || at_frame >= parent.end_frame)
          return caf::make_error(caf::sec::runtime_error, std::string("split outside segment"));
        return split_segment(self->state.info, parent, at_frame, id);
      },
  };
}

}  // namespace

caf::actor spawn_segmenter(caf::actor_system& system, double origin_s,
                           codecs::video_encode_settings settings) {
  return system.spawn<caf::detached>(segmenter, origin_s, std::move(settings));
}

}  // namespace pvenc::actors
