#include "codecs/output_checker.hpp"

#include <string>

#include "codecs/av_error.hpp"

namespace pvenc::codecs {

output_checker::output_checker(const stream_params& encoded, bool psnr, bool ssim)
    : decoder_(encoded, 1), meter_(psnr, ssim) {}

void output_checker::expect(const AVFrame& input) {
  frame_ptr kept = make_frame();
  check_av(av_frame_ref(kept.get(), &input), "keeping a frame to measure");
  pending_.push_back(std::move(kept));
}

void output_checker::check(const AVPacket& packet) {
  decoder_.decode(&packet, [&](AVFrame& decoded) { compare(decoded); });
}

void output_checker::finish() {
  decoder_.decode(nullptr, [&](AVFrame& decoded) { compare(decoded); });
  if (!pending_.empty() || unmatched_ > 0)
    throw av_error("measuring the output: " + std::to_string(pending_.size()) +
                   " frames did not decode back (" + std::to_string(unmatched_) + " extra)");
}

void output_checker::compare(AVFrame& decoded) {
  if (pending_.empty()) {
    ++unmatched_;
    return;
  }
  meter_.add(*pending_.front(), decoded);
  pending_.pop_front();
}

}  // namespace pvenc::codecs
