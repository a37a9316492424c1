// Encodes (or copies) the input's audio track once, for the whole file. Opens its own reader of
// the input with every other stream discarded.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "codecs/media_types.hpp"

namespace pvenc::codecs {

struct audio_settings {
  std::string codec = "aac";  // aac | opus | copy
  std::int64_t bitrate = 128000;
};

class audio_transcoder {
 public:
  using packet_sink = std::function<void(media_packet&&)>;

  // Opens `input_path`'s best audio stream and the encoder. `origin_s` is the source time that
  // becomes output time 0. Throws av_error (no audio stream, no encoder, ...).
  audio_transcoder(const std::string& input_path, const audio_settings& settings, double origin_s);
  ~audio_transcoder();

  audio_transcoder(const audio_transcoder&) = delete;
  audio_transcoder& operator=(const audio_transcoder&) = delete;

  // The output stream (time base included). Known right after construction.
  const stream_params& output_params() const;

  // Reads the input to its end and hands each output packet, on the output timeline, to `sink`.
  // Stops with av_error("cancelled") when `cancel` is set.
  void run(const packet_sink& sink, const std::atomic<bool>* cancel);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace pvenc::codecs
