// Plain message structs of pvenc's actors (the media structs come from codecs/). Everything here
// is serializable (see protocol.hpp) so the same messages can cross nodes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "codecs/encode_settings.hpp"
#include "codecs/media_info.hpp"
#include "codecs/segment_encoder.hpp"

namespace pvenc::actors {

// A failure drill a worker performs on one attempt ([faults] in the job file). Travels as int.
enum class fault_drill : int {
  none = 0,
  fail = 1,   // the encode step returns an error halfway
  crash = 2,  // the worker actor exits halfway, without answering
  stall = 3,  // the worker stops halfway and answers nothing until it is cancelled
};

// One segment of the plan: the frames with start_pts <= pts < end_pts, and the source packets
// that decode them. Reading starts at a clean start point (an IDR), which may lie before the
// segment's first frame: those pre-roll frames are decoded and dropped.
struct segment_spec {
  int id = 0;                     // position in the file, 0-based
  std::int64_t first_packet = 0;  // first packet to read: index into video.packets (decode order)
  std::int64_t packet_count = 0;  // packets to read
  std::int64_t preroll_packets = 0;  // of which decoded only to prime the decoder
  std::int64_t start_frame = 0;      // presentation-order frame index, inclusive
  std::int64_t end_frame = 0;        // exclusive
  std::int64_t start_pts = 0;        // source time base
  std::int64_t end_pts = 0;          // exclusive: the next segment's start, or the video's end
  std::int64_t source_bytes = 0;
  double start_s = 0;
  double duration_s = 0;
  std::vector<std::int64_t> keyframe_pts;  // scene cuts inside the segment: forced keyframes
  double motion = 0;          // mean frame-to-frame luma difference (0..255), from the analysis
  double detail = 0;          // mean luma gradient
  double complexity = 1;      // relative to the whole video (1 = average)
  double bitrate_factor = 1;  // bitrate mode: this segment gets the job's bitrate times this
};

// How the job wants its video cut ([segments]).
struct segment_rules {
  double duration = 10;
  double min_duration = 2;
  double max_duration = 20;
  // The last tail_span seconds are cut at tail_duration instead (0: no tail): the queue hands
  // out the short segments last, so the workers finish close together.
  double tail_span = 0;
  double tail_duration = 0;
};

// The analyzer's scene detection (empty when segments.scene_detect = false). Frame indices
// count frames in presentation order.
struct scene_info {
  bool detected = false;
  std::vector<std::int64_t> cut_frames;
  std::vector<float> motion;  // per frame
  std::vector<float> detail;  // per frame
  double fps = 0;             // the detector's speed
};

// A segment cut in two (segments.rebalance): the head ends where the rest begins.
struct segment_split {
  segment_spec head;
  segment_spec rest;
};

struct segment_plan {
  std::vector<segment_spec> segments;  // in file order (ids 0..n-1)
  std::vector<int> queue_order;        // ids in the order to hand them out
};

// The analyzer's answer.
struct analysis_result {
  bool ok = false;
  std::string error;
  codecs::media_info info;
  scene_info scenes;
};

// A worker's answer for one encode attempt.
struct segment_outcome {
  int segment_id = 0;
  int attempt = 1;  // 1-based
  bool ok = false;
  bool lost = false;  // the worker's node went away: not the segment's fault, retried as it was
  std::string error;
  std::string worker;  // "local/0", "NODE/2"
  double encode_s = 0;
  codecs::encoded_video video;  // valid when ok
};

// One attempt as the report shows it.
struct attempt_record {
  int attempt = 1;
  std::string worker;
  std::string node;  // the node the worker ran on
  int crf = 0;       // or -1 in bitrate mode
  std::int64_t bitrate = 0;
  bool ok = false;
  bool lost = false;  // its worker's node went away (does not lower the quality)
  std::string error;
  double encode_s = 0;
  double start_s = 0;  // seconds since the encoding phase started
};

struct segment_report {
  segment_spec spec;
  int split_from = -1;   // this segment is the rest of that one, cut off while it was encoded
  bool resumed = false;  // taken from the work directory of an earlier run
  std::vector<attempt_record> attempts;
  std::int64_t bytes = 0;
  std::int64_t frames = 0;       // frames the encoder produced
  int damaged_source = 0;        // source packets/frames the decoder rejected or concealed
  codecs::quality_sums quality;  // measured ([metrics] or target quality); frames 0: not
  std::string quality_note;      // why it was not measured
  int crf = -1;                  // the CRF of the kept encode (chosen per segment with a target)
  std::vector<codecs::quality_probe> probes;
};

struct worker_report {
  std::string id;
  std::string node;  // "host:pid" or the node's --name
  bool remote = false;
  std::int64_t frames = 0;
  double busy_s = 0;
};

// What the supervisor reports when the video is done (or failed).
struct job_summary {
  bool ok = false;
  bool interrupted = false;  // stopped by Ctrl-C
  std::string error;
  std::vector<segment_report> segments;
  std::vector<worker_report> workers;
  std::string encoder;  // the libavcodec encoder used
  int retries = 0;
  codecs::quality_sums quality;  // all measured segments together
};

// What the muxer reports when the file is complete.
struct mux_result {
  bool ok = false;
  std::string error;
  std::int64_t video_packets = 0;
  std::int64_t audio_packets = 0;
  std::int64_t bytes = 0;
};

// Progress as the supervisor sees it; the progress actor renders it.
struct progress_update {
  std::int64_t frames_done = 0;
  std::int64_t frames_total = 0;
  int segments_done = 0;
  int segments_total = 0;
  int workers_busy = 0;
  int workers_total = 0;
  int nodes = 0;  // worker nodes connected (the coordinator not counted)
  int retries = 0;
  bool waiting = false;  // no connected worker can take the waiting segments
};

// The version of the messages nodes and coordinators exchange: raised whenever one changes,
// so that a node of another build is refused with a reason instead of failing its segments.
// 2: segment outcomes carry the encoded part's start pts.
constexpr int cluster_protocol = 2;

// What a worker node offers; announced when it joins the coordinator.
struct worker_capabilities {
  int protocol = cluster_protocol;             // the node's cluster_protocol
  std::string node;                            // "host:pid" or --name
  std::vector<std::string> codecs;             // job-file codec names it can encode ("h264", ...)
  std::vector<std::string> hardware_encoders;  // hardware encoders that open ("h264_nvenc")
  int workers = 1;
  int threads = 0;                // encoder threads per worker; 0: as the job says
  std::int64_t memory_limit = 0;  // bytes for all its workers together; 0: no limit
  int max_width = 0;              // largest frame it accepts; 0: any
  int max_height = 0;
};

// A payload in transit between nodes, sent as chunks of at most transfer_chunk_bytes each;
// the receiver checks size and SHA-256 before using it.
struct transfer_header {
  std::uint64_t id = 0;
  std::uint64_t size = 0;
  std::string sha256;
};

}  // namespace pvenc::actors
