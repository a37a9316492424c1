#include "config/formats.hpp"

#include <algorithm>
#include <cctype>

namespace pvenc::config {
namespace {

const std::vector<container_format>& containers() {
  static const std::vector<container_format> table = {
      {".mp4", "mp4", {"h264", "h265", "vp9", "av1"}, {"aac", "opus", "copy", "none"}},
      {".mov", "mov", {"h264", "h265"}, {"aac", "copy", "none"}},
      {".mkv", "matroska", {"h264", "h265", "vp9", "av1"}, {"aac", "opus", "copy", "none"}},
      {".webm", "webm", {"vp9", "av1"}, {"opus", "copy", "none"}},
  };
  return table;
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

const std::vector<std::string>& video_codec_names() {
  static const std::vector<std::string> names = {"h264", "h265", "vp9", "av1"};
  return names;
}

const std::vector<std::string>& audio_codec_names() {
  static const std::vector<std::string> names = {"aac", "opus", "copy", "none"};
  return names;
}

const std::vector<std::string>& speed_names() {
  static const std::vector<std::string> names = {"ultrafast", "superfast", "veryfast",
                                                 "faster",    "fast",      "medium",
                                                 "slow",      "slower",    "veryslow"};
  return names;
}

std::optional<container_format> container_for_path(std::string_view path) {
  auto dot = path.rfind('.');
  auto slash = path.find_last_of('/');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash))
    return std::nullopt;
  std::string ext(path.substr(dot));
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& c : containers())
    if (c.extension == ext) return c;
  return std::nullopt;
}

bool container_accepts_video(const container_format& container, std::string_view codec) {
  return contains(container.video_codecs, codec);
}

bool container_accepts_audio(const container_format& container, std::string_view codec) {
  return contains(container.audio_codecs, codec);
}

std::optional<int> crf_for_quality(std::string_view quality, std::string_view codec) {
  // Rows: low, medium, high, ultra. x264/x265 scales differ from vp9/av1 (0..63).
  static const char* levels[] = {"low", "medium", "high", "ultra"};
  static const int h264[] = {28, 23, 20, 17};
  static const int h265[] = {30, 26, 23, 20};
  static const int vp9[] = {40, 33, 28, 22};
  static const int av1[] = {40, 33, 27, 20};
  for (int i = 0; i < 4; ++i) {
    if (quality != levels[i]) continue;
    if (codec == "h264") return h264[i];
    if (codec == "h265") return h265[i];
    if (codec == "vp9") return vp9[i];
    if (codec == "av1") return av1[i];
    return std::nullopt;
  }
  return std::nullopt;
}

int max_crf(std::string_view codec) {
  return (codec == "vp9" || codec == "av1") ? 63 : 51;
}

}  // namespace pvenc::config
