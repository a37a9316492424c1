// What pvenc can produce: the video/audio codec names of the job file, the containers chosen
// by the output's extension, and which codecs each container accepts. Pure tables, no libav.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pvenc::config {

struct container_format {
  std::string extension;  // ".mp4"
  std::string muxer;      // libavformat short name: "mp4", "matroska", "webm"
  std::vector<std::string> video_codecs;
  std::vector<std::string> audio_codecs;  // job-file names; "copy" is checked against the source
};

// The video codec names a job file may use, in display order.
const std::vector<std::string>& video_codec_names();
// The audio codec names a job file may use (aac, opus, copy, none).
const std::vector<std::string>& audio_codec_names();
// The speed names a job file may use (x264's preset names, fastest first).
const std::vector<std::string>& speed_names();

// The container for an output path, from its extension (case-insensitive); nullopt if unknown.
std::optional<container_format> container_for_path(std::string_view path);

// Whether `container` can carry the video codec / audio codec (job-file names).
bool container_accepts_video(const container_format& container, std::string_view codec);
bool container_accepts_audio(const container_format& container, std::string_view codec);

// CRF for a quality level ("low" | "medium" | "high" | "ultra") and codec; nullopt if unknown.
std::optional<int> crf_for_quality(std::string_view quality, std::string_view codec);
// The largest CRF the codec accepts (51 for h264/h265, 63 for vp9/av1).
int max_crf(std::string_view codec);

}  // namespace pvenc::config
