#include "codecs/quality_metrics.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "codecs/av_ptr.hpp"

extern "C" {
#include <libavutil/pixdesc.h>
}

namespace pvenc::codecs {

namespace {

// One plane of a pair of frames.
struct plane_pair {
  const std::uint8_t* ref;
  int ref_stride;
  const std::uint8_t* dist;
  int dist_stride;
  int width;
  int height;
};

}  // namespace

bool quality_meter::supports(int format) {
  switch (format) {
    case AV_PIX_FMT_GRAY8:
    case AV_PIX_FMT_YUV420P:
    case AV_PIX_FMT_YUV422P:
    case AV_PIX_FMT_YUV444P:
    case AV_PIX_FMT_YUVJ420P:
    case AV_PIX_FMT_YUVJ422P:
    case AV_PIX_FMT_YUVJ444P:
      return true;
    default:
      return false;
  }
}

namespace {

std::string format_name(int format) {
  const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(format));
  return name ? name : "format " + std::to_string(format);
}

// The planes of `ref` and `dist` (1 or 3), sized as the filters size them (chroma rounded up).
int split_planes(const AVFrame& ref, const AVFrame& dist, plane_pair (&planes)[3]) {
  if (ref.format != dist.format)
    throw std::invalid_argument("quality_meter: reference is " + format_name(ref.format) +
                                ", distorted is " + format_name(dist.format));
  if (!quality_meter::supports(ref.format))
    throw std::invalid_argument("quality_meter: unsupported pixel format " +
                                format_name(ref.format) + " (8-bit gray/yuv420p/422p/444p only)");
  if (ref.width != dist.width || ref.height != dist.height || ref.width <= 0 || ref.height <= 0)
    throw std::invalid_argument("quality_meter: frame sizes differ or are empty (" +
                                std::to_string(ref.width) + "x" + std::to_string(ref.height) +
                                " vs " + std::to_string(dist.width) + "x" +
                                std::to_string(dist.height) + ")");
  const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(ref.format));
  int count = desc->nb_components;
  for (int c = 0; c < count; ++c) {
    int shift_w = c == 0 ? 0 : desc->log2_chroma_w;
    int shift_h = c == 0 ? 0 : desc->log2_chroma_h;
    planes[c] = {ref.data[c],
                 ref.linesize[c],
                 dist.data[c],
                 dist.linesize[c],
                 AV_CEIL_RSHIFT(ref.width, shift_w),
                 AV_CEIL_RSHIFT(ref.height, shift_h)};
  }
  return count;
}

// Weight of each plane in the YUV averages: its share of all pixels (both filters).
void plane_weights(const plane_pair (&planes)[3], int count, double (&weights)[3]) {
  unsigned sum = 0;
  for (int c = 0; c < count; ++c) sum += planes[c].width * planes[c].height;
  for (int c = 0; c < count; ++c)
    weights[c] = static_cast<double>(planes[c].height) * planes[c].width / sum;
}

// vf_psnr: the plane's sum of squared differences over its pixel count.
double plane_mse(const plane_pair& p) {
  std::uint64_t sse = 0;
  for (int y = 0; y < p.height; ++y) {
    const std::uint8_t* a = p.ref + static_cast<std::ptrdiff_t>(y) * p.ref_stride;
    const std::uint8_t* b = p.dist + static_cast<std::ptrdiff_t>(y) * p.dist_stride;
    unsigned line = 0;
    for (int x = 0; x < p.width; ++x) {
      int d = a[x] - b[x];
      line += d * d;
    }
    sse += line;
  }
  return sse / (static_cast<double>(p.width) * p.height);
}

// vf_ssim: sums of a, b, a*a + b*b and a*b over each 4x4 block of a row of blocks.
void block_sums(const std::uint8_t* a, int a_stride, const std::uint8_t* b, int b_stride, int* sums,
                int blocks) {
  for (int z = 0; z < blocks; ++z, a += 4, b += 4, sums += 4) {
    int s1 = 0, s2 = 0, ss = 0, s12 = 0;
    for (int y = 0; y < 4; ++y) {
      for (int x = 0; x < 4; ++x) {
        int va = a[x + y * a_stride];
        int vb = b[x + y * b_stride];
        s1 += va;
        s2 += vb;
        ss += va * va + vb * vb;
        s12 += va * vb;
      }
    }
    sums[0] = s1;
    sums[1] = s2;
    sums[2] = ss;
    sums[3] = s12;
  }
}

// vf_ssim's ssim_end1: SSIM of one 8x8 window from its sums, in float as the filter computes it.
float window_ssim(int s1, int s2, int ss, int s12) {
  constexpr int c1 = static_cast<int>(.01 * .01 * 255 * 255 * 64 + .5);
  constexpr int c2 = static_cast<int>(.03 * .03 * 255 * 255 * 64 * 63 + .5);
  int vars = ss * 64 - s1 * s1 - s2 * s2;
  int covar = s12 * 64 - s1 * s2;
  return static_cast<float>(2 * s1 * s2 + c1) * static_cast<float>(2 * covar + c2) /
         (static_cast<float>(s1 * s1 + s2 * s2 + c1) * static_cast<float>(vars + c2));
}

// vf_ssim: mean SSIM of the 8x8 windows at every 4th row and column that fit in the plane.
// `rows` holds two rows of block sums.
double plane_ssim(const plane_pair& p, int* rows) {
  const int blocks_w = p.width >> 2;
  const int blocks_h = p.height >> 2;
  int* sum0 = rows;
  int* sum1 = rows + 4 * blocks_w;
  double total = 0;
  int z = 0;
  for (int y = 1; y < blocks_h; ++y) {
    for (; z <= y; ++z) {
      std::swap(sum0, sum1);
      block_sums(p.ref + static_cast<std::ptrdiff_t>(4) * z * p.ref_stride, p.ref_stride,
                 p.dist + static_cast<std::ptrdiff_t>(4) * z * p.dist_stride, p.dist_stride, sum0,
                 blocks_w);
    }
    for (int i = 0; i < blocks_w - 1; ++i) {
      const int* a0 = sum0 + 4 * i;
      const int* a1 = sum1 + 4 * i;
      total += window_ssim(a0[0] + a0[4] + a1[0] + a1[4], a0[1] + a0[5] + a1[1] + a1[5],
                           a0[2] + a0[6] + a1[2] + a1[6], a0[3] + a0[7] + a1[3] + a1[7]);
    }
  }
  return total / ((blocks_w - 1) * (blocks_h - 1));
}

// ffmpeg's get_psnr for 8-bit data (the filter's average_max rounds to 255 as well).
double psnr_db(double mse_sum, std::int64_t frames) {
  return 10.0 * std::log10(255.0 * 255.0 / (mse_sum / static_cast<double>(frames)));
}

}  // namespace

quality_sums& quality_sums::operator+=(const quality_sums& other) {
  if (other.frames == 0) return *this;
  if (frames == 0) {
    psnr = other.psnr;
    ssim = other.ssim;
  } else if (psnr != other.psnr || ssim != other.ssim) {
    throw std::invalid_argument("quality_sums: cannot add sums of different metrics");
  }
  frames += other.frames;
  mse_y += other.mse_y;
  mse_weighted += other.mse_weighted;
  ssim_y += other.ssim_y;
  ssim_weighted += other.ssim_weighted;
  return *this;
}

quality_totals quality_sums::totals() const {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  quality_totals t{nan, nan, nan, nan, frames};
  if (frames == 0) return t;
  if (psnr) {
    t.psnr_y = psnr_db(mse_y, frames);
    t.psnr = psnr_db(mse_weighted, frames);
  }
  if (ssim) {
    t.ssim_y = ssim_y / static_cast<double>(frames);
    t.ssim = ssim_weighted / static_cast<double>(frames);
  }
  return t;
}

quality_meter::quality_meter(bool psnr, bool ssim) {
  if (!psnr && !ssim) throw std::invalid_argument("quality_meter: no metric selected");
  sums_.psnr = psnr;
  sums_.ssim = ssim;
}

void quality_meter::add(const AVFrame& reference, const AVFrame& distorted) {
  plane_pair planes[3] = {};
  const int count = split_planes(reference, distorted, planes);
  double weights[3];
  plane_weights(planes, count, weights);

  double mse[3] = {0, 0, 0};
  double ssim[3] = {0, 0, 0};
  if (sums_.ssim) {
    for (int c = 0; c < count; ++c) {
      if (planes[c].width < 8 || planes[c].height < 8)
        throw std::invalid_argument("quality_meter: SSIM needs planes of at least 8x8 pixels");
    }
    const std::size_t row_ints = 4 * static_cast<std::size_t>(planes[0].width >> 2);
    if (ssim_rows_.size() < 2 * row_ints) ssim_rows_.resize(2 * row_ints);
    for (int c = 0; c < count; ++c) ssim[c] = plane_ssim(planes[c], ssim_rows_.data());
  }
  if (sums_.psnr) {
    for (int c = 0; c < count; ++c) mse[c] = plane_mse(planes[c]);
  }

  double mse_weighted = 0;
  double ssim_weighted = 0;
  for (int c = 0; c < count; ++c) {
    mse_weighted += mse[c] * weights[c];
    ssim_weighted += ssim[c] * weights[c];
  }
  ++sums_.frames;
  sums_.mse_y += mse[0];
  sums_.mse_weighted += mse_weighted;
  sums_.ssim_y += ssim[0];
  sums_.ssim_weighted += ssim_weighted;
}

}  // namespace pvenc::codecs
