#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

extern "C" {
#include <libavutil/pixdesc.h>
}

#include "codecs/av_error.hpp"
#include "codecs/codec_params.hpp"
#include "codecs/decoder.hpp"
#include "codecs/quality_metrics.hpp"
#include "tests/codecs/media_util.hpp"

using namespace pvenc;

namespace {

// Runs the ffmpeg CLI with a hard time limit; its stderr goes to `log` when given.
bool ffmpeg(const std::string& args, const std::string& log = "") {
  std::string command = "timeout -k 5 60 ffmpeg -nostdin -hide_banner -y " + args;
  command += log.empty() ? " -loglevel error" : " 2>" + log;
  return std::system(command.c_str()) == 0;
}

// A lossless reference clip (ffv1) and a distorted one made from it, both in Matroska.
struct clip_pair {
  std::string reference;
  std::string distorted;
};

clip_pair make_clips(const test::temp_dir& dir, const std::string& name, const std::string& source,
                     const std::string& pix_fmt, const std::string& distortion) {
  clip_pair clips{dir.file(name + "_ref.mkv"), dir.file(name + "_dist.mkv")};
  REQUIRE(ffmpeg("-f lavfi -i " + source + " -frames:v 12 -pix_fmt " + pix_fmt + " -c:v ffv1 " +
                 clips.reference));
  REQUIRE(ffmpeg("-i " + clips.reference + " " + distortion + " -pix_fmt " + pix_fmt + " " +
                 clips.distorted));
  return clips;
}

// What ffmpeg's psnr and ssim filters print at the end of a run.
struct ffmpeg_scores {
  double psnr_y = 0;
  double psnr = 0;
  double ssim_y = 0;
  double ssim = 0;
};

double value_after(const std::string& line, const std::string& key) {
  auto at = line.find(key);
  if (at == std::string::npos) throw std::runtime_error("no '" + key + "' in: " + line);
  return std::strtod(line.c_str() + at + key.size(), nullptr);  // also reads "inf"
}

// `cpu_flags`: "-cpuflags 0" runs the filters' C code instead of their x86 SIMD versions.
ffmpeg_scores ffmpeg_measure(const test::temp_dir& dir, const clip_pair& clips,
                             const std::string& cpu_flags = "") {
  std::string log = dir.file("filters.log");
  // The filters' first input is the main (distorted) stream, the second the reference.
  REQUIRE(ffmpeg(cpu_flags + " -i " + clips.distorted + " -i " + clips.reference +
                     " -lavfi \"[0:v][1:v]psnr;[0:v][1:v]ssim\" -f null -",
                 log));
  std::ifstream in(log);
  ffmpeg_scores scores;
  int found = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.find("PSNR y:") != std::string::npos) {
      scores.psnr_y = value_after(line, "PSNR y:");
      scores.psnr = value_after(line, "average:");
      ++found;
    } else if (line.find("SSIM Y:") != std::string::npos) {
      scores.ssim_y = value_after(line, "SSIM Y:");
      scores.ssim = value_after(line, "All:");
      ++found;
    }
  }
  REQUIRE(found == 2);
  return scores;
}

// Every frame of the best video stream of `path`, in presentation order.
std::vector<codecs::frame_ptr> decode_frames(const std::string& path) {
  test::demuxed_video video = test::demux_video(path);
  codecs::decoder dec(video.params, 1);
  codecs::packet_ptr pkt = codecs::make_packet();
  std::vector<codecs::frame_ptr> frames;
  auto keep = [&](AVFrame& f) { frames.emplace_back(av_frame_clone(&f)); };
  for (const auto& p : video.packets) {
    codecs::fill_av_packet(p, *pkt);
    dec.decode(pkt.get(), keep);
  }
  dec.decode(nullptr, keep);
  return frames;
}

// Feeds frames [begin, end) of both clips to `meter`.
void measure(const std::vector<codecs::frame_ptr>& reference,
             const std::vector<codecs::frame_ptr>& distorted, std::size_t begin, std::size_t end,
             codecs::quality_meter& meter) {
  for (std::size_t i = begin; i < end; ++i) meter.add(*reference[i], *distorted[i]);
}

// Measures a distorted copy of `source` with quality_meter and with the ffmpeg CLI. The numbers
// must match the filters' C code to the printed precision, and what x86 ffmpeg prints (SSE4 SSIM)
// within 0.05 dB and 0.001.
void check_against_ffmpeg(const std::string& name, const std::string& source,
                          const std::string& pix_fmt, const std::string& distortion) {
  test::temp_dir dir;
  clip_pair clips = make_clips(dir, name, source, pix_fmt, distortion);
  ffmpeg_scores printed = ffmpeg_measure(dir, clips);
  ffmpeg_scores c_code = ffmpeg_measure(dir, clips, "-cpuflags 0");

  std::vector<codecs::frame_ptr> reference = decode_frames(clips.reference);
  std::vector<codecs::frame_ptr> distorted = decode_frames(clips.distorted);
  REQUIRE(reference.size() == 12);
  REQUIRE(distorted.size() == reference.size());
  REQUIRE(av_get_pix_fmt_name(static_cast<AVPixelFormat>(distorted[0]->format)) == pix_fmt);
  codecs::quality_meter meter(true, true);
  measure(reference, distorted, 0, reference.size(), meter);
  codecs::quality_totals got = meter.totals();

  std::ostringstream report;
  report << std::fixed << std::setprecision(6) << name << ": psnr_y " << got.psnr_y << " vs "
         << printed.psnr_y << ", psnr " << got.psnr << " vs " << printed.psnr << ", ssim_y "
         << got.ssim_y << " vs " << printed.ssim_y << " (C " << c_code.ssim_y << "), ssim "
         << got.ssim << " vs " << printed.ssim << " (C " << c_code.ssim << ")";
  MESSAGE(report.str());
  CHECK(got.frames == 12);
  const double printed_precision = 2e-6;  // ffmpeg prints 6 decimals
  CHECK(std::abs(got.psnr_y - c_code.psnr_y) < printed_precision);
  CHECK(std::abs(got.psnr - c_code.psnr) < printed_precision);
  CHECK(std::abs(got.ssim_y - c_code.ssim_y) < printed_precision);
  CHECK(std::abs(got.ssim - c_code.ssim) < printed_precision);
  CHECK(std::abs(got.psnr_y - printed.psnr_y) < 0.05);
  CHECK(std::abs(got.psnr - printed.psnr) < 0.05);
  CHECK(std::abs(got.ssim_y - printed.ssim_y) < 0.001);
  CHECK(std::abs(got.ssim - printed.ssim) < 0.001);
  // The clips are really distorted (a pass would mean nothing otherwise).
  CHECK(got.psnr < 45);
  CHECK(got.ssim < 0.995);
}

// A frame of `format` filled by `fill(plane, x, y)`.
template <typename Fill>
codecs::frame_ptr make_picture(int width, int height, AVPixelFormat format, Fill fill) {
  codecs::frame_ptr f = codecs::make_frame();
  f->width = width;
  f->height = height;
  f->format = format;
  codecs::check_av(av_frame_get_buffer(f.get(), 0), "test frame");
  const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(format);
  for (int c = 0; c < desc->nb_components; ++c) {
    int w = c ? AV_CEIL_RSHIFT(width, desc->log2_chroma_w) : width;
    int h = c ? AV_CEIL_RSHIFT(height, desc->log2_chroma_h) : height;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) f->data[c][y * f->linesize[c] + x] = fill(c, x, y);
  }
  return f;
}

}  // namespace

TEST_CASE("quality_meter matches ffmpeg's psnr and ssim filters (4:2:0, x264)") {
  check_against_ffmpeg("yuv420p", "testsrc2=size=320x240:rate=25", "yuv420p",
                       "-c:v libx264 -preset ultrafast -crf 40");
}

// 250 pixels: 61 SSIM windows a row, where x86 ffmpeg's SIMD SSIM differs from its C code (the
// SSE4 ssim_end_line drops the last window of a row and counts one of SSIM 1 when the count is
// 4n+1): the meter follows the C code.
TEST_CASE("quality_meter matches ffmpeg's psnr and ssim filters (4:4:4, x264, 250 wide)") {
  check_against_ffmpeg("yuv444p", "testsrc2=size=250x142:rate=25", "yuv444p",
                       "-c:v libx264 -preset ultrafast -crf 38");
}

TEST_CASE("quality_meter matches ffmpeg's psnr and ssim filters (4:2:2 and gray, noise)") {
  check_against_ffmpeg("yuv422p", "testsrc2=size=198x110:rate=25", "yuv422p",
                       "-vf noise=alls=12:allf=t -c:v ffv1");
  check_against_ffmpeg("gray", "testsrc2=size=160x120:rate=25", "gray",
                       "-vf noise=alls=12:allf=t -c:v ffv1");
}

TEST_CASE("quality_meter: the sums of two segments give the whole file's numbers") {
  test::temp_dir dir;
  clip_pair clips = make_clips(dir, "merge", "testsrc2=size=160x120:rate=25", "yuv420p",
                               "-c:v libx264 -preset ultrafast -crf 35");
  std::vector<codecs::frame_ptr> reference = decode_frames(clips.reference);
  std::vector<codecs::frame_ptr> distorted = decode_frames(clips.distorted);
  REQUIRE(distorted.size() == reference.size());

  codecs::quality_meter whole(true, true);
  measure(reference, distorted, 0, reference.size(), whole);
  codecs::quality_meter first(true, true);
  codecs::quality_meter second(true, true);
  measure(reference, distorted, 0, 5, first);
  measure(reference, distorted, 5, reference.size(), second);
  first.merge(second);

  codecs::quality_totals a = whole.totals();
  codecs::quality_totals b = first.totals();
  CHECK(b.frames == a.frames);
  CHECK(b.psnr_y == doctest::Approx(a.psnr_y).epsilon(1e-12));
  CHECK(b.psnr == doctest::Approx(a.psnr).epsilon(1e-12));
  CHECK(b.ssim_y == doctest::Approx(a.ssim_y).epsilon(1e-12));
  CHECK(b.ssim == doctest::Approx(a.ssim).epsilon(1e-12));
  // Plain sums add the same way (what travels between nodes).
  codecs::quality_sums sums;
  sums += codecs::quality_sums{};
  sums += first.sums();
  CHECK(sums.totals().psnr == b.psnr);

  codecs::quality_meter psnr_only(true, false);
  psnr_only.add(*reference[0], *distorted[0]);
  CHECK(std::isnan(psnr_only.totals().ssim));
  CHECK_THROWS_AS(first.merge(psnr_only), std::invalid_argument);
}

TEST_CASE("quality_meter: identical frames give infinite PSNR and SSIM 1") {
  auto pattern = [](int c, int x, int y) { return static_cast<std::uint8_t>(x * 7 + y * 3 + c); };
  codecs::frame_ptr a = make_picture(64, 48, AV_PIX_FMT_YUV420P, pattern);
  codecs::frame_ptr b = make_picture(64, 48, AV_PIX_FMT_YUV420P, pattern);
  codecs::quality_meter meter(true, true);
  meter.add(*a, *b);
  meter.add(*a, *a);
  codecs::quality_totals t = meter.totals();
  CHECK(t.frames == 2);
  CHECK(std::isinf(t.psnr_y));
  CHECK(t.psnr_y > 0);
  CHECK(std::isinf(t.psnr));
  CHECK(t.ssim_y == 1.0);
  CHECK(t.ssim == doctest::Approx(1.0).epsilon(1e-15));  // weights 2/3 + 1/6 + 1/6 in doubles

  // One differing frame makes the file's PSNR finite: it comes from the mean MSE.
  codecs::frame_ptr c = make_picture(64, 48, AV_PIX_FMT_YUV420P, [&](int p, int x, int y) {
    return static_cast<std::uint8_t>(pattern(p, x, y) + (p == 0 && x == 0 && y == 0 ? 10 : 0));
  });
  meter.add(*a, *c);
  t = meter.totals();
  // MSE of Y: 100 / (64*48) on one frame of three.
  CHECK(t.psnr_y == doctest::Approx(10 * std::log10(255.0 * 255.0 * 3 * 64 * 48 / 100)));
  CHECK(t.ssim < 1.0);

  codecs::quality_meter empty(true, true);
  CHECK(empty.totals().frames == 0);
  CHECK(std::isnan(empty.totals().psnr));
}

TEST_CASE("quality_meter: identical clips give what ffmpeg prints, inf and 1") {
  test::temp_dir dir;
  clip_pair clips =
      make_clips(dir, "same", "testsrc2=size=160x120:rate=25", "yuv420p", "-c:v ffv1");
  ffmpeg_scores printed = ffmpeg_measure(dir, clips);
  CHECK(std::isinf(printed.psnr_y));
  CHECK(std::isinf(printed.psnr));
  CHECK(printed.ssim == 1.0);

  std::vector<codecs::frame_ptr> reference = decode_frames(clips.reference);
  std::vector<codecs::frame_ptr> distorted = decode_frames(clips.distorted);
  REQUIRE(distorted.size() == reference.size());
  codecs::quality_meter meter(true, true);
  measure(reference, distorted, 0, reference.size(), meter);
  codecs::quality_totals got = meter.totals();
  CHECK(got.psnr_y == printed.psnr_y);
  CHECK(got.psnr == printed.psnr);
  CHECK(got.ssim_y == 1.0);
  CHECK(got.ssim == doctest::Approx(1.0).epsilon(1e-15));
}

TEST_CASE("quality_meter rejects frames it cannot compare like the filters") {
  auto flat = [](int, int, int) { return std::uint8_t{100}; };
  codecs::frame_ptr a = make_picture(64, 48, AV_PIX_FMT_YUV420P, flat);
  codecs::frame_ptr other_size = make_picture(64, 32, AV_PIX_FMT_YUV420P, flat);
  codecs::frame_ptr other_format = make_picture(64, 48, AV_PIX_FMT_YUV444P, flat);
  codecs::frame_ptr rgb = make_picture(64, 48, AV_PIX_FMT_GBRP, flat);
  codecs::frame_ptr tiny = make_picture(12, 12, AV_PIX_FMT_YUV420P, flat);
  codecs::quality_meter meter(true, true);
  CHECK_THROWS_AS(meter.add(*a, *other_size), std::invalid_argument);
  CHECK_THROWS_AS(meter.add(*a, *other_format), std::invalid_argument);
  CHECK_THROWS_AS(meter.add(*rgb, *rgb), std::invalid_argument);
  CHECK_THROWS_AS(meter.add(*tiny, *tiny), std::invalid_argument);  // 6x6 chroma: no SSIM window
  CHECK(meter.totals().frames == 0);
  codecs::quality_meter psnr_only(true, false);
  psnr_only.add(*tiny, *tiny);
  CHECK(psnr_only.totals().frames == 1);
  CHECK_THROWS_AS(codecs::quality_meter(false, false), std::invalid_argument);
}
