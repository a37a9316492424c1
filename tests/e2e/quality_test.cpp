// Quality features on a clip joined from four different scenes (2 s each, no source keyframe at
// the joins): scene-aware segments with keyframes at every join, PSNR/SSIM measured in the
// workers that agree with FFmpeg's psnr/ssim filters, target-quality mode, and bitrates that
// follow each segment's complexity while the file keeps the job's total.
#include <doctest/doctest.h>

#include <cmath>
#include <regex>
#include <set>

#include "encode_checks_util.hpp"
#include "media_check_util.hpp"

using namespace pvenc::e2e;

namespace {

constexpr double frame_s = 0.04;  // 25 fps
const std::vector<double> joins = {2.0, 4.0, 6.0};

// testsrc2, mandelbrot, a cellular automaton and a recoloured testsrc2, 2 s each at 320x240,
// x264 with one keyframe at the start and its own scene-cut detection off.
std::string joined_source(const temp_dir& dir, media_facts& facts) {
  std::vector<std::string> args = {
      "-f",
      "lavfi",
      "-i",
      "testsrc2=size=320x240:rate=25:duration=2",
      "-f",
      "lavfi",
      "-i",
      "mandelbrot=size=320x240:rate=25",
      "-f",
      "lavfi",
      "-i",
      "life=size=320x240:rate=25:mold=10:ratio=0.5:death_color=#202080",
      "-f",
      "lavfi",
      "-i",
      "testsrc2=size=320x240:rate=25:duration=2",
      "-filter_complex",
      "[1]trim=duration=2,setpts=PTS-STARTPTS[m];[2]trim=duration=2,setpts=PTS-STARTPTS,"
      "format=yuv420p[l];[3]hue=h=120:s=2,format=yuv420p[t];[0][m][l][t]concat=n=4:v=1[v]",
      "-map",
      "[v]",
      "-c:v",
      "libx264",
      "-preset",
      "ultrafast",
      "-g",
      "250",
      "-sc_threshold",
      "0",
      "-pix_fmt",
      "yuv420p"};
  return make_source(dir, "joined.mp4", args, facts);
}

std::string job(const std::string& input, const std::string& output, const std::string& video,
                const std::string& segments, const std::string& extra = "") {
  return "[input]\npath = '" + input + "'\n[output]\npath = '" + output +
         "'\n[video]\ncodec = 'h264'\nspeed = 'fast'\n" + video + "\n[segments]\n" + segments +
         "\n[workers]\ncount = 2\n" + extra;
}

bool keyframe_near(const media_facts& facts, double t) {
  for (double k : facts.video.keyframe_s)
    if (std::abs(k - t) <= frame_s + 1e-6) return true;
  return false;
}

// FFmpeg's psnr and ssim filters on (distorted, reference): {psnr_y, psnr average, ssim All}.
std::vector<double> ffmpeg_quality(const std::string& distorted, const std::string& reference) {
  command_result r =
      run_command({"ffmpeg", "-hide_banner", "-nostdin", "-i", distorted, "-i", reference, "-lavfi",
                   "[0:v][1:v]psnr;[0:v][1:v]ssim", "-f", "null", "-"},
                  120);
  REQUIRE(r.exit_code == 0);
  std::smatch m;
  std::vector<double> out;
  REQUIRE(std::regex_search(r.err, m, std::regex("PSNR y:([0-9.]+) .*average:([0-9.]+)")));
  out.push_back(std::stod(m[1]));
  out.push_back(std::stod(m[2]));
  REQUIRE(std::regex_search(r.err, m, std::regex("SSIM .*All:([0-9.]+)")));
  out.push_back(std::stod(m[1]));
  return out;
}

}  // namespace

TEST_CASE("scene cuts become segment boundaries or forced keyframes; not larger than fixed") {
  temp_dir dir;
  media_facts source;
  std::string input = joined_source(dir, source);
  // min_duration 2.5: the cuts at 2 s and 6 s are too close to a segment's start or to the
  // end, so they become keyframes inside segments; the cut at 4 s is a boundary. Not
  // rebalanced: the segments are the plan's.
  std::string scenes = dir.file("scenes.mp4");
  encode_run run =
      run_job(dir,
              job(input, scenes, "crf = 23",
                  "duration = 3\nmin_duration = 2.5\nscene_detect = true\nrebalance = false"),
              scenes);
  require_success(run);
  check_same_frames(source, run.output);
  const auto& segs = run.report["segments"];
  REQUIRE(segs.size() == 2);
  CHECK(segs[1]["start_s"].get<double>() == doctest::Approx(4.0));
  CHECK(segs[0]["scene_cuts_s"] == nlohmann::json::array({2.0}));
  CHECK(segs[1]["scene_cuts_s"] == nlohmann::json::array({6.0}));
  CHECK(run.report["scene_cuts_s"] == nlohmann::json::array({2.0, 4.0, 6.0}));
  CHECK(run.report["scene_detection"]["fps"].get<double>() > 0);
  for (double t : joins) {
    CAPTURE(t);
    CHECK(keyframe_near(run.output, t));
  }

  // Cutting at the scenes costs no size against fixed-length segments at the same CRF.
  std::string fixed = dir.file("fixed.mp4");
  encode_run fixed_run = run_job(dir,
                                 job(input, fixed, "crf = 23",
                                     "duration = 3\nmin_duration = 2.5\n"
                                     "scene_detect = false\nrebalance = false"),
                                 fixed);
  require_success(fixed_run);
  CHECK(fixed_run.report.find("scene_cuts_s") == fixed_run.report.end());
  double on = run.report["output"]["size_bytes"], off = fixed_run.report["output"]["size_bytes"];
  MESSAGE("scene-aware ", on, " bytes, fixed-length ", off, " bytes");
  CHECK(on <= off);
}

TEST_CASE("PSNR and SSIM measured in the workers agree with FFmpeg's filters") {
  temp_dir dir;
  media_facts source;
  std::string input = joined_source(dir, source);
  std::string output = dir.file("out.mp4");
  encode_run run = run_job(dir,
                           job(input, output, "crf = 30", "duration = 2\nmin_duration = 1",
                               "[metrics]\npsnr = true\nssim = true\n"),
                           output);
  require_success(run);
  const auto& q = run.report["quality"];
  std::vector<double> expected = ffmpeg_quality(output, input);
  MESSAGE("pvenc psnr_y ", q["psnr_y"], " psnr ", q["psnr"], " ssim ", q["ssim"], "; ffmpeg ",
          expected[0], " ", expected[1], " ", expected[2]);
  CHECK(std::abs(q["psnr_y"].get<double>() - expected[0]) < 0.05);
  CHECK(std::abs(q["psnr"].get<double>() - expected[1]) < 0.05);
  CHECK(std::abs(q["ssim"].get<double>() - expected[2]) < 0.001);
  CHECK(q["vmaf"].is_null());
  CHECK(q["vmaf_reason"].get<std::string>().find("libvmaf") != std::string::npos);
  std::int64_t frames = 0;
  for (const auto& s : run.report["segments"]) {
    REQUIRE(s["quality"].is_object());
    frames += s["quality"]["frames"].get<std::int64_t>();
  }
  CHECK(frames == source.video.frames);
}

TEST_CASE("target-quality mode: each segment reaches the SSIM target at its own CRF") {
  temp_dir dir;
  media_facts source;
  std::string input = joined_source(dir, source);
  std::string output = dir.file("out.mp4");
  const double target = 0.97;
  encode_run run = run_job(dir,
                           job(input, output, "target_ssim = 0.97\ncrf_min = 12\ncrf_max = 45",
                               "duration = 2\nmin_duration = 1"),
                           output);
  require_success(run);
  check_same_frames(source, run.output);  // segments at different CRFs join cleanly
  std::set<int> crfs;
  for (const auto& s : run.report["segments"]) {
    const auto& t = s["target"];
    CAPTURE(s["id"]);
    REQUIRE(t.is_object());
    CHECK(t["probes"].size() >= 2);
    int crf = t["crf"];
    CHECK(crf >= 12);
    CHECK(crf <= 45);
    crfs.insert(crf);
    double achieved = t["achieved"];
    CHECK((t["met"] == true) == (achieved >= target));
    CHECK((achieved >= target || crf == 12));
  }
  CHECK(crfs.size() >= 2);  // the scenes need different CRFs for the same quality
  double file_ssim = ffmpeg_quality(output, input)[2];
  MESSAGE("target 0.97: file SSIM ", file_ssim, ", ", run.output.video.frames, " frames, ",
          run.report["output"]["size_bytes"], " bytes");
  CHECK(file_ssim >= target - 0.002);
}

TEST_CASE("bitrate mode: complex segments get more bits, the file keeps the job's bitrate") {
  temp_dir dir;
  media_facts source;
  std::string input = joined_source(dir, source);
  std::string output = dir.file("out.mp4");
  encode_run run = run_job(
      dir,
      job(input, output, "bitrate = '600k'", "duration = 2\nmin_duration = 1\nrebalance = false"),
      output);  // the plan's segments, to compare their factors
  require_success(run);
  const auto& segs = run.report["segments"];
  REQUIRE(segs.size() == 4);
  double simple = segs[0]["bitrate_factor"], life = segs[2]["bitrate_factor"];
  CHECK(life > simple);
  CHECK(segs[2]["complexity"]["score"].get<double>() >
        segs[0]["complexity"]["score"].get<double>());
  double kbps = run.report["output"]["size_bytes"].get<double>() * 8 / 8.0 / 1000;
  MESSAGE("bitrate factors ", segs[0]["bitrate_factor"], " ", segs[1]["bitrate_factor"], " ",
          segs[2]["bitrate_factor"], " ", segs[3]["bitrate_factor"], "; file ", kbps, " kb/s");
  CHECK(std::abs(kbps - 600) / 600 < 0.05);
}
