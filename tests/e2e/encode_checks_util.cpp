#include "encode_checks_util.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace pvenc::e2e {
namespace {

std::string describe(const media_facts& m) {
  std::ostringstream s;
  s << m.format << ": " << m.video.codec << " " << m.video.width << "x" << m.video.height << " "
    << m.video.pixel_format << ", " << m.video.frames << " frames from " << m.video.start_s
    << " s for " << m.video.duration_s() << " s";
  if (m.audio.present)
    s << "; " << m.audio.codec << " audio from " << m.audio.start_s << " s for "
      << m.audio.duration_s() << " s, sound from " << m.audio.onset_s << " s";
  return s.str();
}

}  // namespace

std::string make_source(const temp_dir& dir, const std::string& name,
                        const std::vector<std::string>& args, media_facts& facts) {
  std::string path = dir.file(name);
  std::vector<std::string> all = args;
  all.push_back(path);
  run_ffmpeg(all);
  facts = read_media(path);
  INFO("source ", name, ": ", describe(facts));
  REQUIRE(facts.error.empty());
  REQUIRE(facts.video.present);
  REQUIRE(facts.video.decode_errors == 0);
  return path;
}

std::string long_segment_source(const temp_dir& dir, media_facts& facts) {
  std::vector<std::string> args = test_video("640x360", 30, 8);
  for (const char* a :
       {"-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p"})
    args.push_back(a);
  return make_source(dir, "source.mkv", args, facts);
}

std::string one_segment_job(const std::string& input, const std::string& output,
                            const std::string& segments_extra, const std::string& extra) {
  return "[input]\npath = '" + input + "'\n\n[output]\npath = '" + output +
         "'\n\n[video]\ncodec = 'h264'\nspeed = 'slow'\n\n[audio]\ncodec = 'none'\n\n"
         "[segments]\nduration = 60.0\n" +
         segments_extra + "\n[workers]\ncount = 2\nthreads = 1\n\n" + extra;
}

std::vector<std::string> test_video(const std::string& size, int rate, double seconds) {
  std::ostringstream graph;
  graph << "testsrc2=size=" << size << ":rate=" << rate << ":duration=" << seconds;
  return {"-f", "lavfi", "-i", graph.str()};
}

std::vector<std::string> test_tone(double seconds, int sample_rate) {
  std::ostringstream graph;
  graph << "sine=frequency=440:sample_rate=" << sample_rate << ":duration=" << seconds;
  return {"-f", "lavfi", "-i", graph.str()};
}

encode_run run_job(const temp_dir& dir, const std::string& toml, const std::string& output,
                   int timeout_s, const std::vector<std::string>& extra_args) {
  encode_run run;
  std::string job = write_job(dir, toml);
  std::string report = dir.file("report.json");
  std::error_code ec;
  fs::remove(report, ec);
  std::vector<std::string> args = {"run", job, "--report", report, "--progress", "none"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  run.result = run_node(args, timeout_s);
  if (fs::exists(report)) {
    try {
      run.report = read_json(report);
    } catch (const std::exception& e) {
      FAIL_CHECK("the report is not JSON: ", e.what());
    }
  }
  run.output = read_media(output);
  return run;
}

void require_success(const encode_run& run) {
  INFO("stderr: ", run.result.err);
  INFO("stdout: ", run.result.out);
  if (run.result.timed_out) FAIL("pvenc-node did not finish in time and was killed (a hang?)");
  REQUIRE(run.result.exit_code == 0);
  INFO("output: ", run.output.error);
  REQUIRE(run.output.error.empty());
  REQUIRE(run.output.video.present);
}

double frame_interval(const std::vector<double>& pts_s) {
  std::vector<double> sorted = pts_s;
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> d;
  for (std::size_t i = 1; i < sorted.size(); ++i) d.push_back(sorted[i] - sorted[i - 1]);
  if (d.empty()) return 0;
  std::nth_element(d.begin(), d.begin() + d.size() / 2, d.end());
  return d[d.size() / 2];
}

void check_same_frames(const media_facts& source, const media_facts& output,
                       double allowed_shift_s) {
  INFO("source: ", describe(source));
  INFO("output: ", describe(output));
  CHECK(output.video.decode_errors == 0);
  REQUIRE(output.video.frames == source.video.frames);
  std::vector<double> src = source.video.pts_s, out = output.video.pts_s;
  std::sort(src.begin(), src.end());
  std::sort(out.begin(), out.end());
  REQUIRE(!src.empty());
  double tolerance = frame_interval(src) / 2;
  double shift = out.front() - src.front();
  // Only a uniform delay within the allowance is forgiven; the rest must match exactly.
  double forgiven = shift >= 0 && shift <= allowed_shift_s ? shift : 0;
  std::size_t mismatches = 0, first = 0;
  for (std::size_t i = 0; i < src.size(); ++i) {
    if (std::fabs(out[i] - forgiven - src[i]) < tolerance) continue;
    if (mismatches++ == 0) first = i;
  }
  INFO("output delayed by ", shift, " s (accepted: ", allowed_shift_s,
       " s); first mismatch:", " frame ", first, " source ", src[first], " s, output ", out[first],
       " s");
  CHECK(mismatches == 0);
}

void check_durations(const media_facts& source, const media_facts& output, double tolerance_s) {
  INFO("source: ", describe(source));
  INFO("output: ", describe(output));
  CHECK(std::fabs(output.video.duration_s() - source.video.duration_s()) < tolerance_s);
  if (source.audio.present && output.audio.present)
    CHECK(std::fabs(output.audio.duration_s() - source.audio.duration_s()) < tolerance_s);
}

void check_av_offset(const media_facts& source, const media_facts& output, av_measure measure,
                     double tolerance_s) {
  INFO("source: ", describe(source));
  INFO("output: ", describe(output));
  REQUIRE(source.audio.present);
  REQUIRE(output.audio.present);
  CHECK(output.audio.decode_errors == 0);
  auto audio_start = [&](const audio_facts& a) {
    return measure == av_measure::tone_onset ? a.onset_s : a.start_s;
  };
  if (measure == av_measure::tone_onset) {
    REQUIRE(source.audio.onset_s >= 0);
    REQUIRE(output.audio.onset_s >= 0);
  }
  double source_offset = audio_start(source.audio) - source.video.start_s;
  double output_offset = audio_start(output.audio) - output.video.start_s;
  std::string how = measure == av_measure::tone_onset ? "sound" : "declared";
  INFO("audio - video start (", how, "): source ", source_offset, " s, output ", output_offset,
       " s");
  CHECK(std::fabs(output_offset - source_offset) < tolerance_s);
}

void check_report(const encode_run& run, std::size_t min_segments) {
  REQUIRE(run.report.is_object());
  const auto& r = run.report;
  CHECK(r.value("ok", false));
  REQUIRE(r.contains("segments"));
  CHECK(r["segments"].size() >= min_segments);
  REQUIRE(r.contains("output"));
  CHECK(r["output"].value("frames", -1) == run.output.video.frames);
}

}  // namespace pvenc::e2e
