// How one segment's video is to be encoded: plain data that travels with each encode task.
#pragma once

#include <cstdint>
#include <string>

namespace pvenc::codecs {

struct video_encode_settings {
  std::string codec = "h264";    // job-file name: h264 | h265 | vp9 | av1
  std::string speed = "medium";  // x264 preset name, mapped for the other encoders
  bool use_crf = true;
  int crf = 23;
  std::int64_t bitrate = 0;  // bits/s when !use_crf
  int width = 0;             // 0: the source's (odd sizes are cropped to even)
  int height = 0;
  int frame_rate_num = 0;  // 0: keep the source's timestamps
  int frame_rate_den = 0;
  int threads = 1;
  int speedup = 0;  // retries: steps faster than `speed`, limited to options that
                    // leave the parameter sets unchanged (see encoder_table.cpp)
  int level = -99;  // codec level to pin (every segment's headers must agree);
                    // -99: the encoder's choice
  bool gpu = false;
  bool measure_psnr = false;  // measure the output against the encoder's input ([metrics])
  bool measure_ssim = false;
  // Target-quality mode: "psnr" or "ssim" chooses each segment's CRF (within crf_min..crf_max)
  // as the highest that still reaches `target`; "" uses `crf`.
  std::string target_metric;
  double target = 0;
  int crf_min = 0;
  int crf_max = 51;
};

}  // namespace pvenc::codecs
