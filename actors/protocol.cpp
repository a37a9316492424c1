#include "actors/protocol.hpp"

namespace pvenc::actors {

void register_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<codecs::rational>("pvenc_rational");
  cfg.add_message_type<codecs::stream_params>("pvenc_stream_params");
  cfg.add_message_type<codecs::media_packet>("pvenc_media_packet");
  cfg.add_message_type<std::vector<codecs::media_packet>>("pvenc_media_packets");
  cfg.add_message_type<codecs::media_info>("pvenc_media_info");
  cfg.add_message_type<codecs::video_encode_settings>("pvenc_video_encode_settings");
  cfg.add_message_type<codecs::segment_source>("pvenc_segment_source");
  cfg.add_message_type<codecs::encoded_video>("pvenc_encoded_video");
  cfg.add_message_type<segment_spec>("pvenc_segment_spec");
  cfg.add_message_type<segment_plan>("pvenc_segment_plan");
  cfg.add_message_type<segment_split>("pvenc_segment_split");
  cfg.add_message_type<segment_rules>("pvenc_segment_rules");
  cfg.add_message_type<scene_info>("pvenc_scene_info");
  cfg.add_message_type<analysis_result>("pvenc_analysis_result");
  cfg.add_message_type<segment_outcome>("pvenc_segment_outcome");
  cfg.add_message_type<job_summary>("pvenc_job_summary");
  cfg.add_message_type<mux_result>("pvenc_mux_result");
  cfg.add_message_type<progress_update>("pvenc_progress_update");
  cfg.add_message_type<worker_capabilities>("pvenc_worker_capabilities");
  cfg.add_message_type<transfer_header>("pvenc_transfer_header");
  // std::vector<caf::actor> and std::vector<char> are CAF's built-in types.
}

}  // namespace pvenc::actors
