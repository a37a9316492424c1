// The one error type of codecs/: a libav failure with FFmpeg's own text.
#pragma once

#include <stdexcept>
#include <string>

namespace pvenc::codecs {

class av_error : public std::runtime_error {
 public:
  av_error(const std::string& what, int code = 0);
  int code() const { return code_; }

 private:
  int code_;
};

// FFmpeg's text for an AVERROR code.
std::string av_error_text(int code);

// Throws av_error("<what>: <ffmpeg text>") when `ret` < 0; returns `ret` otherwise.
int check_av(int ret, const std::string& what);

}  // namespace pvenc::codecs
