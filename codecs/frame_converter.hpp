// Converts decoded frames to the encoder's size and pixel format with libswscale. Frames that
// already match pass through without a copy.
#pragma once

#include "codecs/av_ptr.hpp"

namespace pvenc::codecs {

class frame_converter {
 public:
  // Output `width` x `height` in `format`. When the output is the source cropped by at most
  // one column/row (odd sizes made even), the extra column/row is cut, not scaled.
  frame_converter(int width, int height, AVPixelFormat format);

  frame_converter(const frame_converter&) = delete;
  frame_converter& operator=(const frame_converter&) = delete;

  // Returns `src` itself or an internal frame valid until the next call. Properties (pts,
  // color tags) are copied from `src`.
  const AVFrame& convert(const AVFrame& src);

 private:
  int width_;
  int height_;
  AVPixelFormat format_;
  sws_ptr sws_;
  frame_ptr out_;
  int src_width_ = 0;
  int src_height_ = 0;
  int src_format_ = -1;
  int slice_height_ = 0;  // source rows read (the height minus a cropped row)
};

}  // namespace pvenc::codecs
