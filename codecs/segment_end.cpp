#include "codecs/segment_end.hpp"

namespace pvenc::codecs {

void segment_end::arm(int segment, int attempt, std::int64_t end_pts) {
  std::lock_guard<std::mutex> lock(mutex_);
  armed_ = true;
  segment_ = segment;
  attempt_ = attempt;
  end_ = end_pts;
  last_taken_pts_ = std::numeric_limits<std::int64_t>::min();
  taken_count_ = 0;
}

void segment_end::disarm() {
  std::lock_guard<std::mutex> lock(mutex_);
  armed_ = false;
  end_ = none;
  taken_count_ = 0;
}

bool segment_end::cut(int segment, int attempt, std::int64_t pts) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!armed_ || segment != segment_ || attempt != attempt_) return false;
  if (pts >= end_ || pts <= last_taken_pts_) return false;
  end_ = pts;
  return true;
}

bool segment_end::take(std::int64_t pts) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (pts >= end_) return false;
  if (pts > last_taken_pts_) last_taken_pts_ = pts;
  if (armed_) ++taken_count_;
  return true;
}

bool segment_end::armed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return armed_;
}

std::int64_t segment_end::taken() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return taken_count_;
}

std::int64_t segment_end::close() {
  std::lock_guard<std::mutex> lock(mutex_);
  last_taken_pts_ = none;
  return end_;
}

}  // namespace pvenc::codecs
