// Rate targets per segment. Target-quality mode: finds, per segment, the highest CRF whose output
// still reaches a PSNR or SSIM target, then encodes the segment at it. Probes encode a sample of
// the segment (its middle frames) and the CRF is interpolated between probes; the full encode is
// measured, and encoded again a little lower when it falls short, down to crf_min.
#pragma once

#include "codecs/segment_encoder.hpp"

namespace pvenc::codecs {

// Frames in a probe's sample (fewer when the segment is shorter).
constexpr std::int64_t probe_sample_frames = 48;

// The measured value of `metric` ("psnr": the weighted YUV PSNR, "ssim": SSIM All).
double quality_value(const quality_totals& totals, const std::string& metric);

// REQUIRES: settings.target_metric is "psnr" or "ssim", crf_min <= crf <= crf_max. The result's
// `crf` is the CRF used, `probes` the probe encodes, `quality` the full encode's measurement.
// Throws av_error like encode_segment.
encoded_video encode_to_target(const segment_source& source, const video_encode_settings& settings,
                               const segment_hooks& hooks);

// Bitrate mode: encodes the segment and, when its bitrate misses the asked one by more than
// `bitrate_tolerance` (one-pass ABR on a short segment often does: complex content overshoots,
// simple content undershoots), encodes it again with the request scaled by the miss, at most
// twice; keeps the closest. REQUIRES: !settings.use_crf.
constexpr double bitrate_tolerance = 0.04;
encoded_video encode_to_bitrate(const segment_source& source, const video_encode_settings& settings,
                                const segment_hooks& hooks);

}  // namespace pvenc::codecs
