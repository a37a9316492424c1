// The HTML report of a finished (or failed) job: one self-contained page (inline CSS and SVG, no
// script, no network) drawn from the JSON report of make_report, so the two always agree.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace pvenc::app {

// The page: the job's settings and totals, a timeline of the workers' attempts, per-segment
// bitrate and quality charts along the video with its scene cuts, and tables of the workers and
// the segments. Missing or null fields are left out; all text from `report` is escaped.
std::string render_html_report(const nlohmann::json& report);

}  // namespace pvenc::app
