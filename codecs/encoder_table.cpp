#include "codecs/encoder_table.hpp"

#include <algorithm>
#include <cmath>

namespace pvenc::codecs {
namespace {

// Position of `speed` in x264's preset list: 0 = ultrafast ... 8 = veryslow.
int speed_index(const std::string& speed) {
  static const char* names[] = {"ultrafast", "superfast", "veryfast", "faster",  "fast",
                                "medium",    "slow",      "slower",   "veryslow"};
  for (int i = 0; i < 9; ++i)
    if (speed == names[i]) return i;
  return 5;
}

void set(AVDictionary** options, const char* key, const std::string& value) {
  av_dict_set(options, key, value.c_str(), 0);
}

void set_keyframe_interval(const video_encode_settings& s, AVCodecContext& ctx) {
  double fps = ctx.framerate.num ? av_q2d(ctx.framerate) : 30.0;
  ctx.gop_size = std::clamp(static_cast<int>(std::lround(fps * 10)), 1, 600);
  (void)s;
}

// A retry's faster speed may only touch the encoder's search, never the stream structure
// (references, B-frames, CABAC, 8x8 transform, weighted prediction live in the SPS/PPS that
// every segment must share). Presets from "faster" on get the cheaper search; the fastest
// presets are left as they are (their search is already cheaper than this).
constexpr int first_searching_preset = 3;  // "faster"

void configure_x264(const video_encode_settings& s, AVCodecContext&, AVDictionary** o) {
  set(o, "preset", s.speed);
  if (s.use_crf) set(o, "crf", std::to_string(s.crf));
  // Identical parameter sets in every segment, whatever CRF a retry uses.
  // No faster search on retries: with stitchable=1 x264 still writes different parameter
  // sets when me/subme/trellis change (the muxer's check caught it), so h264 retries change
  // only the CRF.
  set(o, "x264-params", "stitchable=1");
  set(o, "forced-idr", "1");  // a forced keyframe (scene cut) is an IDR
}

void configure_x265(const video_encode_settings& s, AVCodecContext&, AVDictionary** o) {
  set(o, "preset", s.speed);
  if (s.use_crf) set(o, "crf", std::to_string(s.crf));
  // info=0: no SEI with the option string, which differs between retries (crf=...).
  std::string params = "log-level=error:info=0:pools=" + std::to_string(s.threads);
  if (s.threads == 1) params += ":frame-threads=1";
  if (s.speedup > 0 && speed_index(s.speed) >= first_searching_preset)
    params += s.speedup == 1 ? ":me=hex:subme=1:rd=2" : ":me=dia:subme=0:rd=1";
  set(o, "x265-params", params);
  set(o, "forced-idr", "1");
}

void configure_vp9(const video_encode_settings& s, AVCodecContext& ctx, AVDictionary** o) {
  static const int cpu_used[] = {5, 5, 4, 4, 3, 2, 1, 0, 0};
  set(o, "deadline", "good");
  set(o, "cpu-used", std::to_string(std::min(5, cpu_used[speed_index(s.speed)] + s.speedup)));
  set(o, "row-mt", "1");
  if (s.use_crf) {
    set(o, "crf", std::to_string(s.crf));
    ctx.bit_rate = 0;
  }
  set_keyframe_interval(s, ctx);
}

void configure_svtav1(const video_encode_settings& s, AVCodecContext& ctx, AVDictionary** o) {
  static const int preset[] = {12, 11, 10, 9, 8, 7, 5, 4, 3};
  set(o, "preset", std::to_string(preset[speed_index(s.speed)]));
  if (s.use_crf) set(o, "crf", std::to_string(s.crf));
  set(o, "svtav1-params", "lp=" + std::to_string(s.threads));
  set_keyframe_interval(s, ctx);
}

void configure_aom(const video_encode_settings& s, AVCodecContext& ctx, AVDictionary** o) {
  static const int cpu_used[] = {8, 8, 7, 6, 6, 5, 4, 3, 2};
  set(o, "cpu-used", std::to_string(cpu_used[speed_index(s.speed)]));
  set(o, "row-mt", "1");
  if (s.use_crf) {
    set(o, "crf", std::to_string(s.crf));
    ctx.bit_rate = 0;
  }
  set_keyframe_interval(s, ctx);
}

void configure_hardware(const video_encode_settings& s, AVCodecContext& ctx, AVDictionary** o) {
  // Hardware encoders have no CRF; constant quality maps to their QP-like knobs.
  if (s.use_crf) {
    set(o, "cq", std::to_string(s.crf));
    set(o, "qp", std::to_string(s.crf));
  }
  set_keyframe_interval(s, ctx);
}

struct table_row {
  encoder_entry entry;
  void (*configure)(const video_encode_settings&, AVCodecContext&, AVDictionary**);
};

// Hardware encoders: NVENC only. VAAPI encoders need frames uploaded to GPU surfaces
// (hw_frames_ctx), which the pipeline does not do yet.
const std::vector<table_row>& table() {
  static const std::vector<table_row> rows = {
      {{"h264", "h264_nvenc", true}, configure_hardware},
      {{"h264", "libx264", false}, configure_x264},
      {{"h265", "hevc_nvenc", true}, configure_hardware},
      {{"h265", "libx265", false}, configure_x265},
      {{"vp9", "libvpx-vp9", false}, configure_vp9},
      {{"av1", "av1_nvenc", true}, configure_hardware},
      {{"av1", "libsvtav1", false}, configure_svtav1},
      {{"av1", "libaom-av1", false}, configure_aom},
  };
  return rows;
}

}  // namespace

std::vector<encoder_entry> encoder_candidates(const std::string& codec, bool gpu) {
  std::vector<encoder_entry> out;
  for (const auto& row : table())
    if (row.entry.codec == codec && (gpu || !row.entry.hardware) &&
        avcodec_find_encoder_by_name(row.entry.encoder.c_str()))
      out.push_back(row.entry);
  return out;
}

std::vector<std::string> available_encoders() {
  std::vector<std::string> out;
  for (const auto& row : table())
    if (avcodec_find_encoder_by_name(row.entry.encoder.c_str())) out.push_back(row.entry.encoder);
  return out;
}

void configure_encoder(const encoder_entry& entry, const video_encode_settings& settings,
                       AVCodecContext& ctx, AVDictionary** options) {
  ctx.thread_count = settings.threads;
  if (!settings.use_crf) ctx.bit_rate = settings.bitrate;
  if (settings.level > 0) ctx.level = settings.level;
  for (const auto& row : table())
    if (row.entry.encoder == entry.encoder) row.configure(settings, ctx, options);
}

}  // namespace pvenc::codecs
