// Scene cuts and per-frame activity, for segment boundaries and adaptive rate control. One
// decoding pass over the input (loop filter skipped, frame threads), each frame reduced to a
// small luma thumbnail: motion = mean absolute difference to the previous thumbnail, detail =
// mean absolute gradient. A cut is a frame whose difference stands out both absolutely and
// against the frames just before it (so steady high motion is not a cut) and whose brightness
// histogram changes too (a fast pan over the same scene keeps its histogram; measured on real
// footage: pans up to 0.34, cuts 1.0 and more), at least `min_scene_frames` after the
// previous cut.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace pvenc::codecs {

struct scene_options {
  double min_difference = 14.0;       // mean |luma difference| (0..255) a cut must reach
  double contrast = 3.0;              // ... and this multiple of the recent frames' mean difference
  double min_histogram_change = 0.5;  // L1 distance of 16-bin luma histograms (0..2)
  int min_scene_frames = 12;          // frames from one cut to the next
  int threads = 0;                    // decoder threads; 0: one per core
};

// Frames are in presentation order (index k: the k-th frame shown).
struct scene_analysis {
  std::vector<std::int64_t> cut_frames;  // indices of frames that start a new scene (never 0)
  std::vector<float> motion;             // per frame; 0 for the first frame
  std::vector<float> detail;             // per frame
  double seconds = 0;                    // time the pass took
  double fps() const { return seconds > 0 ? motion.size() / seconds : 0; }
};

// Decodes the video of `path` (a file or "lavfi:<graph>") and analyses every frame. Stops
// early (returning what it has) when `cancel` is set. Throws av_error when the input or its
// decoder cannot be opened.
scene_analysis detect_scenes(const std::string& path, const scene_options& options,
                             const std::atomic<bool>* cancel = nullptr);

}  // namespace pvenc::codecs
