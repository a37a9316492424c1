#include "codecs/av_error.hpp"

#include "codecs/av_ptr.hpp"

extern "C" {
#include <libavutil/error.h>
}

namespace pvenc::codecs {

av_error::av_error(const std::string& what, int code) : std::runtime_error(what), code_(code) {}

std::string av_error_text(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof text);
  return text;
}

int check_av(int ret, const std::string& what) {
  if (ret < 0) throw av_error(what + ": " + av_error_text(ret), ret);
  return ret;
}

frame_ptr make_frame() {
  frame_ptr frame(av_frame_alloc());
  if (!frame) throw av_error("out of memory allocating a frame", AVERROR(ENOMEM));
  return frame;
}

packet_ptr make_packet() {
  packet_ptr packet(av_packet_alloc());
  if (!packet) throw av_error("out of memory allocating a packet", AVERROR(ENOMEM));
  return packet;
}

}  // namespace pvenc::codecs
