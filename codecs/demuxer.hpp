// An opened input: a media file, or "lavfi:<graph>" (libavdevice's lavfi input, for generated
// sources). Reads packets in file order. Not thread-safe; one owner.
#pragma once

#include <string>
#include <vector>

#include "codecs/av_ptr.hpp"
#include "codecs/media_types.hpp"

namespace pvenc::codecs {

class demuxer {
 public:
  // Opens and probes `path`. Throws av_error naming the path if it cannot be read as media.
  explicit demuxer(const std::string& path);

  demuxer(const demuxer&) = delete;
  demuxer& operator=(const demuxer&) = delete;

  AVFormatContext& context() { return *ctx_; }
  const std::string& path() const { return path_; }
  bool is_generated() const { return generated_; }

  // Index of the best video / audio stream, or -1.
  int best_video_stream() const;
  int best_audio_stream() const;

  stream_params params(int stream_index) const;

  // Only packets of `wanted` streams are returned by read(); libav discards the others.
  void select_streams(const std::vector<int>& wanted);

  // Reads the next packet into `pkt` (previous content unreferenced). Returns false at the end
  // of the input. Read errors after the start are thrown as av_error.
  bool read(AVPacket& pkt);

  // Seeks so that the next read() returns packets at or before `dts` of `stream_index`.
  // Returns false if the input cannot seek.
  bool seek_before(int stream_index, std::int64_t dts);

 private:
  std::string path_;
  bool generated_ = false;
  input_format_ptr ctx_;
};

}  // namespace pvenc::codecs
