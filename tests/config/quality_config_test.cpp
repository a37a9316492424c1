// The keys of issue 5: scene-aware segments, [metrics], target-quality mode.
#include "config/job_loader.hpp"

#include <doctest/doctest.h>
#include "tests/config/job_test_util.hpp"

using namespace pvenc::config::test;

TEST_CASE("segments.max_duration and scene_detect") {
  job_fixture f;
  job j = f.parse("");
  CHECK(j.segments.scene_detect_auto);  // "auto": off for CRF at medium speed ...
  CHECK_FALSE(j.segments.scene_detect);
  CHECK(f.parse("[video]\nspeed = \"slow\"").segments.scene_detect);  // ... on where it pays
  CHECK(f.parse("[video]\nbitrate = \"2M\"").segments.scene_detect);
  CHECK(f.parse("[video]\ntarget_ssim = 0.95").segments.scene_detect);
  CHECK_FALSE(f.parse("[segments]\nscene_detect = \"auto\"").segments.scene_detect);
  job forced = f.parse("[segments]\nscene_detect = true");
  CHECK(forced.segments.scene_detect);
  CHECK_FALSE(forced.segments.scene_detect_auto);
  CHECK(j.segments.max_duration == 20.0);  // 2 x duration
  CHECK(f.parse("[segments]\nduration = 4").segments.max_duration == 8.0);
  job fixed = f.parse("[segments]\nscene_detect = false\nmax_duration = 12");
  CHECK_FALSE(fixed.segments.scene_detect);
  CHECK(fixed.segments.max_duration == 12.0);
  CHECK(has(error_of(f.text("[segments]\nduration = 5\nmax_duration = 4")),
            "job.toml:3: segments.max_duration = 4: must be at least segments.duration (5)"));
  CHECK(has(error_of(f.text("[segments]\nscene_detect = 1")),
            "segments.scene_detect: expected true, false or \"auto\", got an integer"));
  CHECK(has(error_of(f.text("[segments]\nscene_detect = \"yes\"")),
            "segments.scene_detect = \"yes\": expected true, false or \"auto\""));
}

TEST_CASE("[metrics]") {
  job_fixture f;
  CHECK_FALSE(f.parse("").metrics.psnr);
  job j = f.parse("[metrics]\npsnr = true\nssim = true");
  CHECK(j.metrics.psnr);
  CHECK(j.metrics.ssim);
  CHECK(has(error_of(f.text("[metrics]\nvmaf = true")), "job.toml:2: unknown key metrics.vmaf"));
}

TEST_CASE("target-quality mode") {
  job_fixture f;
  job j = f.parse("[video]\ntarget_ssim = 0.98\ncrf_min = 18\ncrf_max = 40");
  CHECK(j.video.target_metric == "ssim");
  CHECK(j.video.target == 0.98);
  CHECK(j.video.crf_min == 18);
  CHECK(j.video.crf_max == 40);
  CHECK(j.video.crf == 23);  // the first probe
  job vp9 = f.parse("[audio]\ncodec = 'opus'\n[video]\ncodec = 'vp9'\ntarget_psnr = 42",
                    f.dir().file("out.webm"));
  CHECK(vp9.video.target_metric == "psnr");
  CHECK(vp9.video.crf_max == 63);
  CHECK(has(error_of(f.text("[video]\ntarget_ssim = 1.5")),
            "video.target_ssim = 1.5: must be between 0 and 1"));
  CHECK(has(error_of(f.text("[video]\ntarget_psnr = 5")), "video.target_psnr = 5"));
  CHECK(has(error_of(f.text("[video]\ncrf = 20\ntarget_ssim = 0.9")),
            "video.target_ssim: cannot be combined with video.crf"));
  CHECK(has(error_of(f.text("[video]\ncrf_min = 20")),
            "video.crf_min: only used with video.target_ssim or video.target_psnr"));
  CHECK(has(error_of(f.text("[video]\ntarget_ssim = 0.9\ncrf_min = 30\ncrf_max = 20")),
            "video.crf_min = 30: must be at most video.crf_max (20)"));
}
