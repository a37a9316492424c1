#include "tests/codecs/media_util.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>

#include "codecs/codec_params.hpp"
#include "codecs/decoder.hpp"
#include "codecs/demuxer.hpp"

namespace pvenc::test {

namespace fs = std::filesystem;

temp_dir::temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "pvenc-test-XXXXXX").string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (!mkdtemp(buffer.data())) throw std::runtime_error("mkdtemp failed");
  path_ = buffer.data();
}

temp_dir::~temp_dir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

bool run_ffmpeg(const std::string& args) {
  std::string command = "ffmpeg -nostdin -hide_banner -loglevel error -y " + args;
  return std::system(command.c_str()) == 0;
}

const std::string& shared_clip(const std::string& name, const std::string& ffmpeg_args) {
  static temp_dir dir;
  static std::map<std::string, std::string> clips;
  auto it = clips.find(name);
  if (it != clips.end()) return it->second;
  std::string path = dir.file(name);
  if (!run_ffmpeg(ffmpeg_args + " " + path)) throw std::runtime_error("ffmpeg failed: " + name);
  return clips.emplace(name, path).first->second;
}

const std::string& h264_clip(int seconds, int keyint) {
  std::string name = "h264_" + std::to_string(seconds) + "s_k" + std::to_string(keyint) + ".mkv";
  return shared_clip(
      name, "-f lavfi -i testsrc2=size=320x240:rate=25:duration=" + std::to_string(seconds) +
                " -c:v libx264 -preset ultrafast -bf 2 -g " + std::to_string(keyint) +
                " -keyint_min " + std::to_string(keyint) + " -sc_threshold 0 -pix_fmt yuv420p");
}

const std::string& h264_clip_with_audio() {
  return shared_clip("h264_audio.mkv",
                     "-f lavfi -i testsrc2=size=320x240:rate=25:duration=2 -f lavfi -i "
                     "sine=frequency=440:sample_rate=48000:duration=2 -c:v libx264 -preset "
                     "ultrafast -g 25 -c:a aac -shortest");
}

demuxed_video demux_video(const std::string& path) {
  codecs::demuxer input(path);
  int stream = input.best_video_stream();
  if (stream < 0) throw std::runtime_error(path + ": no video");
  input.select_streams({stream});
  demuxed_video out;
  out.params = input.params(stream);
  codecs::packet_ptr pkt = codecs::make_packet();
  while (input.read(*pkt)) out.packets.push_back(codecs::to_media_packet(*pkt));
  return out;
}

decode_stats decode_all(const codecs::stream_params& params,
                        const std::vector<codecs::media_packet>& packets) {
  decode_stats stats;
  codecs::decoder dec(params, 1);
  codecs::packet_ptr pkt = codecs::make_packet();
  auto sink = [&](AVFrame& f) {
    ++stats.frames;
    stats.width = f.width;
    stats.height = f.height;
    stats.pts.push_back(f.best_effort_timestamp);
  };
  for (const auto& p : packets) {
    codecs::fill_av_packet(p, *pkt);
    dec.decode(pkt.get(), sink);
  }
  dec.decode(nullptr, sink);
  stats.corrupt = dec.corrupt_packets();
  return stats;
}

decode_stats decode_file(const std::string& path) {
  demuxed_video video = demux_video(path);
  return decode_all(video.params, video.packets);
}

std::vector<std::int64_t> sorted_pts(const std::vector<codecs::media_packet>& packets) {
  std::vector<std::int64_t> pts;
  for (const auto& p : packets) pts.push_back(p.pts);
  std::sort(pts.begin(), pts.end());
  return pts;
}

codecs::segment_source whole_source(const demuxed_video& video) {
  codecs::segment_source src;
  src.video = video.params;
  src.packets = video.packets;
  std::vector<std::int64_t> pts = sorted_pts(video.packets);
  std::int64_t frame = pts.size() > 1 ? pts[1] - pts[0] : 1;
  src.origin_pts = pts.front();
  src.start_pts = pts.front();
  src.end_pts = pts.back() + frame;
  src.output_width = video.params.width;
  src.output_height = video.params.height;
  return src;
}

codecs::video_encode_settings fast_settings(const std::string& codec, int crf) {
  codecs::video_encode_settings s;
  s.codec = codec;
  s.speed = "ultrafast";
  s.crf = crf;
  s.threads = 1;
  return s;
}

}  // namespace pvenc::test

namespace {
// libav (and the encoders through it) log at info level by default: keep test output readable.
const int quiet_libav = (av_log_set_level(AV_LOG_ERROR), 0);
}  // namespace
