// Encodes one segment: decodes its source packets, converts the frames and encodes exactly the
// segment's frames with a fresh encoder (so the segment starts with a keyframe and can be
// joined to its neighbours). Needs no file: everything comes in `segment_source`.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "codecs/encode_settings.hpp"
#include "codecs/media_types.hpp"
#include "codecs/quality_metrics.hpp"
#include "codecs/segment_end.hpp"

namespace pvenc::codecs {

// A segment's source: the compressed packets of one independently decodable range.
struct segment_source {
  int segment_id = 0;
  stream_params video;                // the source video stream (time base: packets' base)
  std::vector<media_packet> packets;  // decode order, starting at a clean start (IDR)
  std::vector<media_packet> priming;  // the stream's first packet when `packets` starts later
  std::int64_t origin_pts = 0;        // source pts of output time 0
  std::int64_t start_pts = 0;         // the segment's frames: start_pts <= pts < end_pts;
  std::int64_t end_pts = 0;           // others (pre-roll, the next segment's) are dropped
  int output_width = 0;               // the job's output size (the same for every segment)
  int output_height = 0;
  std::vector<std::int64_t> keyframe_pts;  // frames (source pts) to encode as keyframes (cuts)
};

// One probe encode of target-quality mode: the CRF tried and the quality it gave.
struct quality_probe {
  int crf = 0;
  double value = 0;
};

// The encoded segment. Packet timestamps are in `params.time_base`, already on the output
// timeline (source pts - origin).
struct encoded_video {
  stream_params params;               // encoder output: codec, extradata, time base
  std::vector<media_packet> packets;  // decode order
  std::string encoder;                // "libx264"
  std::int64_t frames = 0;            // frames encoded
  std::int64_t start_pts = 0;  // source pts: the segment's start (its first frame's)
  std::int64_t end_pts = 0;  // source pts: the end it had (earlier than the source's when cut)
  std::int64_t bytes = 0;
  int corrupt_packets = 0;   // source packets the decoder rejected
  quality_sums quality;      // measured against the encoder's input (frames 0: not measured)
  std::string quality_note;  // why quality was not measured although asked for
  int crf = -1;              // the CRF used (chosen per segment in target-quality mode)
  std::vector<quality_probe> probes;  // target-quality mode: the probe encodes, in order
};

struct segment_hooks {
  // After every frame given to the encoder: frames given so far, and frames it has returned
  // encoded (fewer while its lookahead fills). May throw.
  std::function<void(std::int64_t given, std::int64_t encoded)> on_progress;
  const std::atomic<bool>* cancel = nullptr;  // set: stop with an error
  bool inject_failure = false;                // fault drill: the encode step fails halfway
  // Set: an end the owner may move earlier while the segment is encoded (see segment_end);
  // frames at or after it are neither decoded further nor encoded.
  segment_end* end = nullptr;
};

// The frames `source` owns: packets with start_pts <= pts < end_pts (pre-roll excluded).
std::int64_t owned_frames(const segment_source& source);

// Throws av_error (with the reason) on failure, cancellation and injected failure.
encoded_video encode_segment(const segment_source& source, const video_encode_settings& settings,
                             const segment_hooks& hooks);

// The output size for a source: the job's size, or the source's cropped to even dimensions.
void output_size(const stream_params& source, const video_encode_settings& settings, int& width,
                 int& height);

}  // namespace pvenc::codecs
