// The protocol of pvenc's actors: atoms, the handlers each actor offers, serialization of every
// message type, and the one function that registers them with CAF.
//
// Hub, not mesh: workers, segmenter and muxer talk to the retry supervisor; the job runner
// talks to the analyzer and the supervisor.
//
//   analyzer         (analyze_atom, std::string path, bool scene_detect) -> analysis_result
//   segmenter        (plan_atom, media_info, scene_info, segment_rules) -> segment_plan
//                    (read_atom, segment_spec)                          -> segment_source
//                    (split_atom, segment_spec, int64 at_frame, int id) -> segment_split (the
//                    segment cut at that frame; the rest becomes segment `id`)
//   encoder_worker   (encode_atom, caf::message{segment_source},
//                     video_encode_settings, int attempt, int drill)    -> segment_outcome
//                    (drill: fault_drill; crash: the worker exits without answering)
//                    worker sends (progress_atom, std::string worker, int segment, int attempt,
//                    int64 frames encoded, int64 frames taken by the encoder; -1: it cannot
//                    be cut) to the supervisor while encoding
//   retry_supervisor (start_atom)                                       -> job_summary (when done)
//   audio_encoder    sends to the muxer: (audio_atom, stream_params), (audio_atom,
//                    std::vector<media_packet>), (audio_atom, done_atom, std::string error)
//   muxer            (video_atom, segment_outcome)       a finished segment, any order
//                    (split_atom, int segment, int rest) segment `rest` follows `segment`
//                    in the file (sent before the cut segment arrives)
//                    (finish_atom)                       -> mux_result, once all is written
//                    (abort_atom)                        drop everything, delete the partial file
//   progress         (phase_atom, std::string phase), (progress_atom, progress_update),
//                    (finish_atom) -> bool (after the last line is printed)
//
// Clustering (docs/cluster.md). On the coordinator:
//   gatekeeper       (published; the only actor a joining node can reach before it is admitted)
//                    (hello_atom, std::string node, std::string client_nonce)
//                        -> (std::string server_nonce, std::string coordinator_proof)
//                    (auth_atom, std::string server_nonce, std::string node_proof,
//                     worker_capabilities, caf::actor agent, std::vector<caf::actor> stubs)
//                        -> std::string ("" = admitted, else why not)
//                    (start_atom, caf::actor supervisor)  hand admitted workers to this job
//                    (done_atom) -> bool                  job over: (bye_atom) to every node
//   remote_worker    one per admitted remote worker; to the supervisor it is an encoder worker
//                    (same encode request); it sends the source to its stub as
//                    (chunk_atom, uint64 id, std::vector<char>) messages, then requests
//                    (encode_atom, transfer_header, video_encode_settings, int attempt, int drill)
//                        -> transfer_header (the outcome, sent back in chunks before the reply)
//                    and forwards the stub's (progress_atom, ...) to the supervisor;
//                    (cut_atom, int segment, int attempt, int64 pts) -> bool: forwarded to
//                    the stub, which ends that encode before `pts` if it can (segment_end)
//   retry_supervisor (node_atom, worker_capabilities, std::vector<caf::actor> workers)
//                    more workers (remote_worker handles) joined
// On a worker node:
//   node_agent       joins (hello, auth), then waits for (bye_atom) or the coordinator's loss
//   node_worker      (the stub) receives chunks and encode requests as above, encodes with a
//                    local encoder_worker; (cancel_atom) stops the encode in progress;
//                    (cut_atom, ...) -> bool as above
//
// The segment source travels wrapped in a caf::message so that a retry re-sends the same
// reference-counted packets instead of copying them.
#pragma once

#include <caf/all.hpp>

#include "actors/messages.hpp"

namespace pvenc::actors {

using analyze_atom = caf::atom_constant<caf::atom("analyze")>;
using plan_atom = caf::atom_constant<caf::atom("plan")>;
using read_atom = caf::atom_constant<caf::atom("read")>;
using encode_atom = caf::atom_constant<caf::atom("encode")>;
using progress_atom = caf::atom_constant<caf::atom("progress")>;
using start_atom = caf::atom_constant<caf::atom("start")>;
using audio_atom = caf::atom_constant<caf::atom("audio")>;
using video_atom = caf::atom_constant<caf::atom("video")>;
using done_atom = caf::atom_constant<caf::atom("done")>;
using finish_atom = caf::atom_constant<caf::atom("finish")>;
using split_atom = caf::atom_constant<caf::atom("pv_split")>;
using abort_atom = caf::atom_constant<caf::atom("abort")>;
using phase_atom = caf::atom_constant<caf::atom("phase")>;
using pv_tick_atom = caf::atom_constant<caf::atom("pv_tick")>;  // caf has a tick_atom
using hello_atom = caf::atom_constant<caf::atom("pv_hello")>;
using auth_atom = caf::atom_constant<caf::atom("pv_auth")>;
using chunk_atom = caf::atom_constant<caf::atom("pv_chunk")>;
using cancel_atom = caf::atom_constant<caf::atom("pv_cancel")>;
using node_atom = caf::atom_constant<caf::atom("pv_node")>;
using bye_atom = caf::atom_constant<caf::atom("pv_bye")>;
using cut_atom = caf::atom_constant<caf::atom("pv_cut")>;

// Largest payload of one chunk message between nodes: CAF serializes a message on the one
// middleman thread and counts a peer as alive only per whole message received.
constexpr std::size_t transfer_chunk_bytes = 1 << 20;

// Registers every message type of this header with `cfg`.
void register_message_types(caf::actor_system_config& cfg);

}  // namespace pvenc::actors

namespace pvenc::codecs {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rational& x) {
  return f(caf::meta::type_name("rational"), x.num, x.den);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stream_params& x) {
  return f(caf::meta::type_name("stream_params"), x.codec_type, x.codec_id, x.codec_tag,
           x.extradata, x.time_base, x.bit_rate, x.profile, x.level, x.width, x.height, x.format,
           x.sample_aspect_ratio, x.frame_rate, x.bits_per_coded_sample, x.bits_per_raw_sample,
           x.field_order, x.color_range, x.color_primaries, x.color_trc, x.color_space,
           x.chroma_location, x.video_delay, x.sample_rate, x.channels, x.channel_mask,
           x.frame_size, x.block_align, x.initial_padding);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, media_packet& x) {
  return f(caf::meta::type_name("media_packet"), x.pts, x.dts, x.duration, x.keyframe, x.data);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, packet_entry& x) {
  return f(caf::meta::type_name("packet_entry"), x.pts, x.dts, x.duration, x.size, x.keyframe,
           x.clean_start);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, video_info& x) {
  return f(caf::meta::type_name("video_info"), x.stream_index, x.params, x.codec_name,
           x.pixel_format, x.frame_count, x.frame_rate, x.variable_frame_rate, x.start_s,
           x.duration_s, x.packets);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, audio_info& x) {
  return f(caf::meta::type_name("audio_info"), x.stream_index, x.codec_name, x.sample_rate,
           x.channels, x.start_s, x.duration_s);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, media_info& x) {
  return f(caf::meta::type_name("media_info"), x.path, x.format_name, x.size_bytes, x.seekable,
           x.duration_s, x.video, x.audio);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, video_encode_settings& x) {
  return f(caf::meta::type_name("video_encode_settings"), x.codec, x.speed, x.use_crf, x.crf,
           x.bitrate, x.width, x.height, x.frame_rate_num, x.frame_rate_den, x.threads, x.speedup,
           x.level, x.gpu, x.measure_psnr, x.measure_ssim, x.target_metric, x.target, x.crf_min,
           x.crf_max);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, segment_source& x) {
  return f(caf::meta::type_name("segment_source"), x.segment_id, x.video, x.packets, x.priming,
           x.origin_pts, x.start_pts, x.end_pts, x.output_width, x.output_height, x.keyframe_pts);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, quality_sums& x) {
  return f(caf::meta::type_name("quality_sums"), x.psnr, x.ssim, x.frames, x.mse_y, x.mse_weighted,
           x.ssim_y, x.ssim_weighted);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, quality_probe& x) {
  return f(caf::meta::type_name("quality_probe"), x.crf, x.value);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, encoded_video& x) {
  return f(caf::meta::type_name("encoded_video"), x.params, x.packets, x.encoder, x.frames,
           x.start_pts, x.end_pts, x.bytes, x.corrupt_packets, x.quality, x.quality_note, x.crf,
           x.probes);
}

}  // namespace pvenc::codecs

namespace pvenc::actors {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, segment_spec& x) {
  return f(caf::meta::type_name("segment_spec"), x.id, x.first_packet, x.packet_count,
           x.preroll_packets, x.start_frame, x.end_frame, x.start_pts, x.end_pts, x.source_bytes,
           x.start_s, x.duration_s, x.keyframe_pts, x.motion, x.detail, x.complexity,
           x.bitrate_factor);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, segment_split& x) {
  return f(caf::meta::type_name("segment_split"), x.head, x.rest);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, segment_rules& x) {
  return f(caf::meta::type_name("segment_rules"), x.duration, x.min_duration, x.max_duration,
           x.tail_span, x.tail_duration);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, scene_info& x) {
  return f(caf::meta::type_name("scene_info"), x.detected, x.cut_frames, x.motion, x.detail, x.fps);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, segment_plan& x) {
  return f(caf::meta::type_name("segment_plan"), x.segments, x.queue_order);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, analysis_result& x) {
  return f(caf::meta::type_name("analysis_result"), x.ok, x.error, x.info, x.scenes);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, segment_outcome& x) {
  return f(caf::meta::type_name("segment_outcome"), x.segment_id, x.attempt, x.ok, x.lost, x.error,
           x.worker, x.encode_s, x.video);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, attempt_record& x) {
  return f(caf::meta::type_name("attempt_record"), x.attempt, x.worker, x.node, x.crf, x.bitrate,
           x.ok, x.lost, x.error, x.encode_s, x.start_s);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, segment_report& x) {
  return f(caf::meta::type_name("segment_report"), x.spec, x.split_from, x.resumed, x.attempts,
           x.bytes, x.frames, x.damaged_source, x.quality, x.quality_note, x.crf, x.probes);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, worker_report& x) {
  return f(caf::meta::type_name("worker_report"), x.id, x.node, x.remote, x.frames, x.busy_s);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_summary& x) {
  return f(caf::meta::type_name("job_summary"), x.ok, x.interrupted, x.error, x.segments, x.workers,
           x.encoder, x.retries, x.quality);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, mux_result& x) {
  return f(caf::meta::type_name("mux_result"), x.ok, x.error, x.video_packets, x.audio_packets,
           x.bytes);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, progress_update& x) {
  return f(caf::meta::type_name("progress_update"), x.frames_done, x.frames_total, x.segments_done,
           x.segments_total, x.workers_busy, x.workers_total, x.nodes, x.retries, x.waiting);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, worker_capabilities& x) {
  return f(caf::meta::type_name("worker_capabilities"), x.protocol, x.node, x.codecs,
           x.hardware_encoders, x.workers, x.threads, x.memory_limit, x.max_width, x.max_height);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, transfer_header& x) {
  return f(caf::meta::type_name("transfer_header"), x.id, x.size, x.sha256);
}

}  // namespace pvenc::actors
