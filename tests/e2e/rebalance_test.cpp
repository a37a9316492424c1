// segments.rebalance: when a worker runs out of segments, the running segment with the most work
// left is cut and the idle worker encodes the rest. A one-segment job on two workers makes the
// second worker idle from the start, so the cut is certain, not a matter of timing.
#include <doctest/doctest.h>

#include "encode_checks_util.hpp"
#include "media_check_util.hpp"

using namespace pvenc::e2e;

TEST_CASE("rebalance: an idle worker takes the rest of a running segment, no frame lost") {
  temp_dir dir;
  media_facts source;
  std::string input = long_segment_source(dir, source);
  REQUIRE(source.video.frames == 240);
  std::string output = dir.file("out.mp4");

  std::string html = dir.file("report.html");
  encode_run run =
      run_job(dir, one_segment_job(input, output), output, 120, {"--report-html", html});
  require_success(run);
  check_same_frames(source, run.output);
  check_report(run, 2);
  const auto& segments = run.report["segments"];
  std::int64_t frames = 0, next_start = 0;
  bool rest_of_first = false;
  for (const auto& s : segments) {
    CHECK(s.value("start_frame", -1) == next_start);  // file order, no gap, no overlap
    next_start = s.value("end_frame", -1);
    frames += s.value("frames", 0);
    rest_of_first = rest_of_first || s.value("split_from", -1) == 0;
  }
  CHECK(next_start == 240);
  CHECK(frames == 240);
  CHECK(rest_of_first);
  CHECK(run.report["settings"]["rebalance"] == true);
  CHECK(read_text(html).find("rest of segment 0, cut for an idle worker") != std::string::npos);
  CHECK(run.result.err.find("cut off for idle workers") != std::string::npos);

  // The same job without rebalancing: one segment, encoded by one worker.
  std::string plain_output = dir.file("plain.mp4");
  encode_run plain =
      run_job(dir, one_segment_job(input, plain_output, "rebalance = false\n"), plain_output);
  require_success(plain);
  check_same_frames(source, plain.output);
  CHECK(plain.report["segments"].size() == 1);
  CHECK(plain.report["settings"]["rebalance"] == false);
}
