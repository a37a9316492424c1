#include "codecs/scene_detector.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <numeric>
#include <thread>

#include "codecs/av_error.hpp"
#include "codecs/decoder.hpp"
#include "codecs/demuxer.hpp"

namespace pvenc::codecs {
namespace {

constexpr int thumb_width = 64;
constexpr std::size_t recent_frames = 10;  // the window a cut must stand out against

// Reduces frames to small gray thumbnails (area average).
class thumbnailer {
 public:
  const std::vector<std::uint8_t>& reduce(const AVFrame& frame) {
    if (!sws_ || frame.width != src_w_ || frame.height != src_h_ || frame.format != src_f_) {
      src_w_ = frame.width, src_h_ = frame.height, src_f_ = frame.format;
      height_ = std::max(8, static_cast<int>(std::lround(thumb_width * double(src_h_) / src_w_)));
      sws_.reset(sws_getContext(src_w_, src_h_, static_cast<AVPixelFormat>(src_f_), thumb_width,
                                height_, AV_PIX_FMT_GRAY8, SWS_AREA, nullptr, nullptr, nullptr));
      if (!sws_) throw av_error("cannot scale frames for scene detection");
      pixels_.assign(static_cast<std::size_t>(thumb_width) * height_, 0);
    }
    std::uint8_t* dst[4] = {pixels_.data(), nullptr, nullptr, nullptr};
    int stride[4] = {thumb_width, 0, 0, 0};
    sws_scale(sws_.get(), frame.data, frame.linesize, 0, src_h_, dst, stride);
    return pixels_;
  }
  int height() const { return height_; }

 private:
  sws_ptr sws_;
  int src_w_ = 0, src_h_ = 0, src_f_ = -1, height_ = 0;
  std::vector<std::uint8_t> pixels_;
};

double mean_difference(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
  if (a.size() != b.size() || a.empty()) return 255;  // a size change is a cut
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += std::abs(int(a[i]) - int(b[i]));
  return double(sum) / a.size();
}

// L1 distance between the 16-bin histograms of two thumbnails, as fractions of their pixels.
double histogram_change(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
  if (a.size() != b.size() || a.empty()) return 2;
  int bins[16] = {};
  for (std::size_t i = 0; i < a.size(); ++i) ++bins[a[i] >> 4], --bins[b[i] >> 4];
  double sum = 0;
  for (int v : bins) sum += std::abs(v);
  return sum / a.size();
}

double mean_gradient(const std::vector<std::uint8_t>& p, int width, int height) {
  std::int64_t sum = 0;
  for (int y = 0; y + 1 < height; ++y)
    for (int x = 0; x + 1 < width; ++x) {
      int at = y * width + x;
      sum += std::abs(int(p[at + 1]) - int(p[at])) + std::abs(int(p[at + width]) - int(p[at]));
    }
  return double(sum) / std::max(1, (width - 1) * (height - 1));
}

// Decides, frame by frame, where scenes change.
class cut_finder {
 public:
  explicit cut_finder(const scene_options& o) : options_(o) {}

  bool is_cut(std::int64_t frame, double difference, double histogram) {
    double recent =
        recent_.empty() ? 0 : std::accumulate(recent_.begin(), recent_.end(), 0.0) / recent_.size();
    bool cut = frame > 0 && difference >= options_.min_difference &&
               difference >= options_.contrast * recent &&
               histogram >= options_.min_histogram_change &&
               frame - last_cut_ >= options_.min_scene_frames;
    if (cut) {
      last_cut_ = frame;
      recent_.clear();  // the new scene's frames are the reference from here on
    } else if (frame > 0) {
      recent_.push_back(difference);
      if (recent_.size() > recent_frames) recent_.pop_front();
    }
    return cut;
  }

 private:
  const scene_options& options_;
  std::deque<double> recent_;
  std::int64_t last_cut_ = 0;
};

}  // namespace

scene_analysis detect_scenes(const std::string& path, const scene_options& options,
                             const std::atomic<bool>* cancel) {
  auto started = std::chrono::steady_clock::now();
  demuxer input(path);
  int stream = input.best_video_stream();
  if (stream < 0) throw av_error(path + ": no video stream");
  input.select_streams({stream});
  int threads = options.threads > 0
                    ? options.threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  decoder dec(input.params(stream), threads, true);
  scene_analysis out;
  thumbnailer thumbs;
  cut_finder cuts(options);
  std::vector<std::uint8_t> previous;
  auto analyse = [&](AVFrame& frame) {
    const auto& thumb = thumbs.reduce(frame);
    auto k = static_cast<std::int64_t>(out.motion.size());
    double difference = k == 0 ? 0 : mean_difference(thumb, previous);
    double histogram = k == 0 ? 0 : histogram_change(thumb, previous);
    if (cuts.is_cut(k, difference, histogram)) out.cut_frames.push_back(k);
    out.motion.push_back(static_cast<float>(difference));
    out.detail.push_back(static_cast<float>(mean_gradient(thumb, thumb_width, thumbs.height())));
    previous = thumb;
  };
  packet_ptr pkt = make_packet();
  while (input.read(*pkt)) {
    if (cancel && cancel->load()) break;
    if (pkt->stream_index == stream) dec.decode(pkt.get(), analyse);
  }
  dec.decode(nullptr, analyse);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

}  // namespace pvenc::codecs
