#include "codecs/frame_converter.hpp"

#include "codecs/av_error.hpp"

namespace pvenc::codecs {

frame_converter::frame_converter(int width, int height, AVPixelFormat format)
    : width_(width), height_(height), format_(format), out_(make_frame()) {}

const AVFrame& frame_converter::convert(const AVFrame& src) {
  if (src.width == width_ && src.height == height_ && src.format == format_) return src;
  if (!sws_ || src.width != src_width_ || src.height != src_height_ || src.format != src_format_) {
    // A crop of one column/row reads only the kept part of the source.
    bool crop = (src.width - width_ == 0 || src.width - width_ == 1) &&
                (src.height - height_ == 0 || src.height - height_ == 1);
    int in_w = crop ? width_ : src.width;
    int in_h = crop ? height_ : src.height;
    sws_.reset(sws_getContext(in_w, in_h, static_cast<AVPixelFormat>(src.format), width_, height_,
                              format_, SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, nullptr,
                              nullptr, nullptr));
    if (!sws_) throw av_error("cannot convert this frame format (swscale)");
    src_width_ = src.width;
    src_height_ = src.height;
    src_format_ = src.format;
    slice_height_ = in_h;
    av_frame_unref(out_.get());
    out_->width = width_;
    out_->height = height_;
    out_->format = format_;
    check_av(av_frame_get_buffer(out_.get(), 0), "allocating a converted frame");
  }
  check_av(av_frame_make_writable(out_.get()), "allocating a converted frame");
  sws_scale(sws_.get(), src.data, src.linesize, 0, slice_height_, out_->data, out_->linesize);
  av_frame_copy_props(out_.get(), &src);
  return *out_;
}

}  // namespace pvenc::codecs
