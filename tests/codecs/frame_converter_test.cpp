#include <doctest/doctest.h>

#include "codecs/av_error.hpp"
#include "codecs/frame_converter.hpp"

using namespace pvenc;

namespace {

codecs::frame_ptr gray_frame(int width, int height, AVPixelFormat format, std::uint8_t luma) {
  codecs::frame_ptr f = codecs::make_frame();
  f->width = width;
  f->height = height;
  f->format = format;
  codecs::check_av(av_frame_get_buffer(f.get(), 0), "test frame");
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) f->data[0][y * f->linesize[0] + x] = luma;
  for (int p = 1; p < 3; ++p)
    for (int y = 0; y < (height + 1) / 2; ++y)
      for (int x = 0; x < (width + 1) / 2; ++x) f->data[p][y * f->linesize[p] + x] = 128;
  f->pts = 1234;
  return f;
}

}  // namespace

TEST_CASE("frame_converter passes matching frames through") {
  codecs::frame_converter conv(64, 48, AV_PIX_FMT_YUV420P);
  codecs::frame_ptr src = gray_frame(64, 48, AV_PIX_FMT_YUV420P, 100);
  const AVFrame& out = conv.convert(*src);
  CHECK(&out == src.get());
}

TEST_CASE("frame_converter crops an odd size by one row/column") {
  codecs::frame_converter conv(64, 48, AV_PIX_FMT_YUV420P);
  codecs::frame_ptr src = gray_frame(65, 49, AV_PIX_FMT_YUV420P, 100);
  const AVFrame& out = conv.convert(*src);
  CHECK(&out != src.get());
  CHECK(out.width == 64);
  CHECK(out.height == 48);
  CHECK(out.format == AV_PIX_FMT_YUV420P);
  CHECK(out.pts == 1234);
  // A flat picture stays flat (no scaling blur), within rounding.
  CHECK(out.data[0][0] == doctest::Approx(100).epsilon(0.02));
  CHECK(out.data[0][47 * out.linesize[0] + 63] == doctest::Approx(100).epsilon(0.02));
}

TEST_CASE("frame_converter scales and converts the pixel format") {
  codecs::frame_converter conv(32, 24, AV_PIX_FMT_YUV444P);
  codecs::frame_ptr src = gray_frame(64, 48, AV_PIX_FMT_YUV420P, 200);
  const AVFrame& out = conv.convert(*src);
  CHECK(out.width == 32);
  CHECK(out.height == 24);
  CHECK(out.format == AV_PIX_FMT_YUV444P);
  CHECK(out.data[0][12 * out.linesize[0] + 16] == doctest::Approx(200).epsilon(0.02));
  // A second frame of another size reconfigures the converter.
  codecs::frame_ptr other = gray_frame(128, 96, AV_PIX_FMT_YUV420P, 50);
  const AVFrame& out2 = conv.convert(*other);
  CHECK(out2.width == 32);
  CHECK(out2.data[0][0] == doctest::Approx(50).epsilon(0.05));
}
