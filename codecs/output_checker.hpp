// Measures an encode against its input while it runs: the frames given to the encoder are kept
// (references, no copies) until the encoder's packets, decoded again, give back the same
// frames, which are then compared (quality_meter: PSNR/SSIM as FFmpeg's filters compute them).
// Memory: the frames inside the encoder's delay (its look-ahead), not the whole segment.
#pragma once

#include <deque>
#include <memory>

#include "codecs/av_ptr.hpp"
#include "codecs/decoder.hpp"
#include "codecs/quality_metrics.hpp"

namespace pvenc::codecs {

class output_checker {
 public:
  // `encoded`: the encoder's output parameters (codec, extradata). Throws av_error when no
  // decoder opens, std::invalid_argument when no metric is asked for.
  output_checker(const stream_params& encoded, bool psnr, bool ssim);

  // The next frame given to the encoder (encoders return frames in the order they got them).
  void expect(const AVFrame& input);

  // A packet the encoder returned.
  void check(const AVPacket& packet);

  // After the encoder's last packet: drains the decoder. Throws av_error when frames are
  // missing (the output decodes to fewer frames than went in).
  void finish();

  const quality_sums& sums() const { return meter_.sums(); }

 private:
  void compare(AVFrame& decoded);

  decoder decoder_;
  quality_meter meter_;
  std::deque<frame_ptr> pending_;  // inputs not yet matched, oldest first
  std::int64_t unmatched_ = 0;     // decoded frames with no input left (should not happen)
};

}  // namespace pvenc::codecs
