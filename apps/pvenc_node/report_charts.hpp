// The inline SVG charts of the HTML report, drawn from the JSON report of make_report. Every
// field is optional: what is missing is not drawn. All text in the SVG is escaped.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace pvenc::app {

// One lane per worker (grouped by node), one bar per attempt from its start to its end in
// seconds of the job, coloured ok / failed / lost, with a time axis and a legend. Attempts
// without start_s/end_s are laid end to end on their worker's lane using encode_s.
std::string timeline_svg(const nlohmann::json& report);

// Per-segment panels along the video's time axis: bitrate, and PSNR, SSIM and VMAF when any
// segment has them, with the scene cuts drawn across all panels. "" when there are no segments.
std::string segment_charts_svg(const nlohmann::json& report);

// The CSS rules the charts' classes need, for the page's <style>.
std::string chart_css();

}  // namespace pvenc::app
