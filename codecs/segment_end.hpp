// The end of a segment that its owner may move earlier while the segment is being encoded, so
// that an idle worker can take the rest. Shared by the encode loop (which asks, frame by frame,
// whether a frame is still the segment's) and its owner (which cuts). Thread-safe.
#pragma once

#include <cstdint>
#include <limits>
#include <mutex>

namespace pvenc::codecs {

class segment_end {
 public:
  // An encode of (segment, attempt) starts; it owns the frames before `end_pts`.
  void arm(int segment, int attempt, std::int64_t end_pts);
  // That encode is over: cut() fails until the next arm().
  void disarm();

  // The owner: ends the armed encode of (segment, attempt) before `pts`. Succeeds only when that
  // encode runs, `pts` lies before its end and no frame at or after `pts` was taken yet; on
  // success, frames at or after `pts` are no longer the segment's. Returns whether it did.
  bool cut(int segment, int attempt, std::int64_t pts);

  // The encode loop, in presentation order: whether the frame at `pts` is still the segment's
  // (always, when nothing is armed); if so it counts as taken.
  bool take(std::int64_t pts);

  // Frames the armed encode has taken so far (0 when nothing is armed).
  std::int64_t taken() const;
  // Whether an encode is armed (one that may be cut).
  bool armed() const;

  // The encode loop has taken its last frame: no cut succeeds any more. Returns the end (the
  // largest value when nothing is armed).
  std::int64_t close();

 private:
  static constexpr std::int64_t none = std::numeric_limits<std::int64_t>::max();
  mutable std::mutex mutex_;
  bool armed_ = false;
  int segment_ = -1;
  int attempt_ = 0;
  std::int64_t end_ = none;
  std::int64_t last_taken_pts_ = std::numeric_limits<std::int64_t>::min();
  std::int64_t taken_count_ = 0;
};

}  // namespace pvenc::codecs
