// PSNR and SSIM of distorted frames against their references, computed and aggregated as FFmpeg
// 5.1's `psnr` and `ssim` filters do (`ffmpeg -i dist -i ref -lavfi "[0:v][1:v]psnr"`, `ssim`).
// The numbers equal the filters' C code to the last printed digit. x86 builds of ffmpeg run an SSE4
// SSIM that, in rows of 4n+1 windows (plane widths 16n+8 to 16n+11, e.g. the 360-wide chroma of
// 720-wide 4:2:0), counts a window from stale buffer data instead of the row's last one, so ffmpeg
// prints a slightly different SSIM there (+0.0004 on a 250-wide 4:4:4 clip where the stale window
// scores 1; it depends on ffmpeg's thread count otherwise). This meter keeps the C code.
#pragma once

#include <cstdint>
#include <vector>

struct AVFrame;

namespace pvenc::codecs {

// File-level results. PSNR in dB: +infinity when every compared frame was identical (ffmpeg
// prints "inf"). SSIM in [0, 1] (1: identical). Values of a metric that was not measured, and all
// values while `frames` is 0, are NaN.
struct quality_totals {
  double psnr_y = 0;  // ffmpeg's `PSNR y:`
  double psnr = 0;    // ffmpeg's `PSNR ... average:` (planes weighted by their pixel counts)
  double ssim_y = 0;  // ffmpeg's `SSIM Y:`
  double ssim = 0;    // ffmpeg's `SSIM ... All:`
  std::int64_t frames = 0;
};

// What a meter has accumulated: sums of per-frame values, plain data (no libav types), so that
// segments measured apart (on other nodes) add up to the file's numbers: the sums of the segments
// give the same totals as one meter over all frames, up to floating-point rounding (~1e-15).
struct quality_sums {
  bool psnr = false;  // which metrics were measured
  bool ssim = false;
  std::int64_t frames = 0;
  double mse_y = 0;          // sum of the frames' Y-plane MSE
  double mse_weighted = 0;   // sum of the frames' plane MSEs weighted by plane pixel counts
  double ssim_y = 0;         // sum of the frames' Y-plane SSIM
  double ssim_weighted = 0;  // sum of the frames' plane SSIMs weighted by plane pixel counts

  // Adds `other`'s frames. An empty side takes the other's metrics; otherwise both must have
  // measured the same metrics (std::invalid_argument if not).
  quality_sums& operator+=(const quality_sums& other);

  quality_totals totals() const;
};

// Accumulates the metrics of frame pairs. Not thread-safe: one meter per thread; add up their
// sums() afterwards.
class quality_meter {
 public:
  // Measures PSNR and/or SSIM (at least one: std::invalid_argument otherwise).
  quality_meter(bool psnr, bool ssim);

  // Whether add() accepts frames of this AVPixelFormat.
  static bool supports(int pixel_format);

  quality_meter(const quality_meter&) = delete;
  quality_meter& operator=(const quality_meter&) = delete;

  // Compares one pair of frames and adds the result. Both frames must have the same size and the
  // same pixel format, one of gray, yuv420p, yuv422p, yuv444p (or their yuvj twins), 8 bits;
  // for SSIM every plane must be at least 8x8. Anything else throws std::invalid_argument and
  // adds nothing. Frames may change size between calls. Allocates only when the width grows.
  void add(const AVFrame& reference, const AVFrame& distorted);

  // Adds the frames another meter (e.g. of another segment) has measured.
  void merge(const quality_sums& other) { sums_ += other; }
  void merge(const quality_meter& other) { sums_ += other.sums_; }

  const quality_sums& sums() const { return sums_; }
  quality_totals totals() const { return sums_.totals(); }

 private:
  quality_sums sums_;
  std::vector<int> ssim_rows_;  // two rows of 4x4 block sums, reused from frame to frame
};

}  // namespace pvenc::codecs
