// --report-html: the page of a job with a retry, checked against the JSON report of the same
// run (a lane per worker, a bar per attempt, every segment), for escaped text and for nothing
// fetched from the network; then rendered by headless Chromium and the screenshot checked for
// the chart colours, so a page that renders blank fails. Chromium is required (scripts/setup
// installs it): without it this test fails, it does not skip.
#include <doctest/doctest.h>

#include <cstdlib>
#include <sstream>

#include "encode_checks_util.hpp"
#include "media_check_util.hpp"

using namespace pvenc::e2e;

namespace {

struct rgb {
  int r, g, b;
};

// The colours the page promises (apps/pvenc_node/html_util.hpp).
constexpr rgb kBackground = {0xf4, 0xf5, 0xf7};
constexpr rgb kOk = {0x2e, 0x8b, 0x57};
constexpr rgb kFailed = {0xd6, 0x45, 0x41};
constexpr rgb kBitrate = {0x4a, 0x78, 0xb5};

constexpr int kWidth = 1400, kHeight = 1800;

// The first of `names` found in $PATH, or "".
std::string find_in_path(const std::vector<std::string>& names) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');)
    for (const auto& name : names)
      if (!dir.empty() && fs::exists(fs::path(dir) / name)) return (fs::path(dir) / name).string();
  return "";
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

bool near(const unsigned char* p, rgb c, int tolerance) {
  return std::abs(p[0] - c.r) <= tolerance && std::abs(p[1] - c.g) <= tolerance &&
         std::abs(p[2] - c.b) <= tolerance;
}

// Pixels of `pixels` (rgb24) within `tolerance` of `c`.
std::size_t pixels_near(const std::string& pixels, rgb c, int tolerance = 6) {
  std::size_t n = 0;
  auto* p = reinterpret_cast<const unsigned char*>(pixels.data());
  for (std::size_t i = 0; i + 2 < pixels.size(); i += 3) n += near(p + i, c, tolerance);
  return n;
}

}  // namespace

TEST_CASE("--report-html writes a self-contained page that matches the report and renders") {
  temp_dir dir;
  media_facts source;
  std::vector<std::string> args = test_video("320x240", 30, 4);
  for (const auto& a : test_tone(4)) args.push_back(a);
  for (const char* a : {"-c:v", "libx264", "-preset", "ultrafast", "-g", "15", "-pix_fmt",
                        "yuv420p", "-c:a", "pcm_s16le"})
    args.push_back(a);
  // A name that must be escaped in HTML.
  std::string input = make_source(dir, "clip <&\">.mkv", args, source);
  std::string output = dir.file("out.mp4");
  std::string job = write_job(dir, job_toml(input, output, "h264", "aac", "",
                                            "[faults]\nfail_segments = [1]\nfail_attempts = 1\n"));
  std::string report_path = dir.file("report.json");
  std::string html_path = dir.file("report.html");
  command_result r = run_node(
      {"run", job, "--report", report_path, "--report-html", html_path, "--progress", "none"});
  INFO("stderr: ", r.err);
  REQUIRE_FALSE(r.timed_out);
  REQUIRE(r.exit_code == 0);
  nlohmann::json report = read_json(report_path);
  REQUIRE(fs::exists(html_path));
  CHECK_FALSE(fs::exists(html_path + ".tmp"));
  std::string html = read_text(html_path);

  {  // the page shows what the JSON report says
    CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(html.find("</html>") != std::string::npos);
    CHECK(html.find("<svg") != std::string::npos);
    const auto& workers = report["workers"];
    REQUIRE(workers.size() == 2);
    CHECK(count(html, "class=\"lane-label\"") == workers.size());
    for (const auto& w : workers)
      CHECK(html.find(">" + w.value("id", "?") + "<") != std::string::npos);
    std::size_t attempts = 0;
    for (const auto& s : report["segments"]) attempts += s["attempt_log"].size();
    CHECK(attempts == report["segments"].size() + 1);  // one retry
    CHECK(count(html, "<rect class=\"bar") == attempts);
    std::string segments = std::to_string(report["segments"].size());
    CHECK(html.find("<div class=\"k\">Segments</div><div class=\"v\">" + segments + "</div>") !=
          std::string::npos);
    CHECK(html.find("fill=\"#d64541\"") != std::string::npos);  // the failed attempt

    // Escaped, never raw.
    CHECK(html.find("clip &lt;&amp;&quot;&gt;.mkv") != std::string::npos);
    CHECK(html.find("clip <&") == std::string::npos);

    // Self-contained: no scripts, no links, nothing fetched.
    std::string rest = html;
    for (auto at = rest.find("http://www.w3.org/2000/svg"); at != std::string::npos;
         at = rest.find("http://www.w3.org/2000/svg"))
      rest.erase(at, 26);
    CHECK(rest.find("http://") == std::string::npos);
    CHECK(rest.find("https://") == std::string::npos);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("<link") == std::string::npos);
    CHECK(html.find("<img") == std::string::npos);
  }

  {  // headless Chromium renders it with the charts' colours
    std::string chromium = find_in_path({"chromium", "chromium-browser", "google-chrome"});
    if (chromium.empty())
      FAIL("chromium is not installed (scripts/setup installs it: apt-get install chromium)");
    std::string png = dir.file("report.png");
    command_result shot =
        run_command({chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                     "--user-data-dir=" + dir.file("chromium-profile"),
                     "--window-size=" + std::to_string(kWidth) + "," + std::to_string(kHeight),
                     "--screenshot=" + png, "file://" + fs::absolute(html_path).string()},
                    60);
    INFO("chromium: ", shot.err);
    REQUIRE_FALSE(shot.timed_out);
    REQUIRE(fs::exists(png));
    std::string raw = dir.file("report.rgb");
    run_ffmpeg({"-i", png, "-f", "rawvideo", "-pix_fmt", "rgb24", raw});
    std::string pixels = read_text(raw);
    REQUIRE(pixels.size() == std::size_t{kWidth} * kHeight * 3);

    std::size_t total = pixels.size() / 3;
    std::size_t blank =
        pixels_near(pixels, {255, 255, 255}, 2) + pixels_near(pixels, kBackground, 2);
    INFO("pixels neither white nor background: ", total - blank, " of ", total);
    CHECK(total - blank > total / 20);
    // The encoded and failed attempts of the timeline, the bitrate bars.
    CHECK(pixels_near(pixels, kOk) > 2000);
    CHECK(pixels_near(pixels, kFailed) > 300);  // more than the legend's 14x12 swatch
    CHECK(pixels_near(pixels, kBitrate) > 2000);
  }
}

TEST_CASE("run --help lists --report-html") {
  command_result help = run_node({"run", "--help"}, 30);
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("--report-html") != std::string::npos);
}
