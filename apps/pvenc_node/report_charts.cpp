// segment_charts_svg and chart_css (report_charts.hpp): the per-segment panels along the video.
#include "apps/pvenc_node/report_charts.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "apps/pvenc_node/html_util.hpp"
#include "apps/pvenc_node/svg_chart.hpp"

namespace pvenc::app {
namespace {

using html::array_of;
using html::escape;
using html::fixed;
using html::number_of;
using html::text_of;
using nlohmann::json;
using svg::box_swatch;
using svg::kLeft;
using svg::kRight;
using svg::kWidth;
using svg::legend_item;
using svg::linear;
using svg::nice_step;
using svg::px;
using svg::svg_open;
using svg::text_width;
using svg::tick_text;
using svg::ticks;
using svg::x_axis;

struct segment_row {
  std::string id;
  double start = 0, end = 0;
  std::optional<double> bitrate;
  std::optional<double> psnr, ssim, vmaf;
  std::string title;
};

std::vector<segment_row> rows_of(const json& report) {
  std::vector<segment_row> rows;
  for (const auto& s : array_of(report, "segments")) {
    segment_row r;
    r.id = text_of(s, "id");
    r.start = number_of(s, "start_s").value_or(0);
    double duration = number_of(s, "duration_s").value_or(0);
    r.end = r.start + std::max(0.0, duration);
    auto bytes = number_of(s, "bytes");
    if (bytes && *bytes > 0 && duration > 0) r.bitrate = *bytes * 8 / duration;  // 0: not done
    const json& q = html::object_of(s, "quality");
    r.psnr = number_of(q, "psnr");
    if (!r.psnr) r.psnr = number_of(q, "psnr_y");
    r.ssim = number_of(q, "ssim");
    r.vmaf = number_of(q, "vmaf");
    r.title = "segment " + r.id + ": " + fixed(r.start, 2) + "\u2013" + fixed(r.end, 2) + " s";
    if (r.bitrate) r.title += ", " + html::bitrate_text(*r.bitrate);
    if (bytes) r.title += ", " + html::bytes_text(*bytes);
    if (r.psnr) r.title += ", PSNR " + fixed(*r.psnr, 2) + " dB";
    if (r.ssim) r.title += ", SSIM " + fixed(*r.ssim, 4);
    if (r.vmaf) r.title += ", VMAF " + fixed(*r.vmaf, 1);
    rows.push_back(r);
  }
  return rows;
}

struct panel {
  std::string title;
  std::string unit;  // under the title; bitrates choose theirs
  const char* colour;
  std::optional<double> segment_row::*value;
  bool bars;
  double height;
};

// The report's scene cuts, or else the union of the segments' cuts, sorted.
std::vector<double> scene_cuts(const json& report) {
  std::vector<double> cuts;
  auto add = [&](const json& list) {
    for (const auto& c : list)
      if (c.is_number()) cuts.push_back(c.get<double>());
  };
  if (html::field(report, "scene_cuts_s")) {
    add(array_of(report, "scene_cuts_s"));
  } else {
    for (const auto& s : array_of(report, "segments")) add(array_of(s, "scene_cuts_s"));
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  return cuts;
}

// The y range and its tick step for `values`: from 0 for bars, around the data otherwise.
void y_range(const std::vector<double>& values, bool from_zero, double& lo, double& hi,
             double& step) {
  lo = *std::min_element(values.begin(), values.end());
  hi = *std::max_element(values.begin(), values.end());
  if (from_zero) lo = 0, hi *= 1.08;
  if (hi - lo < 1e-9)
    lo -= std::max(std::abs(lo) * 0.01, 1e-3), hi += std::max(std::abs(hi) * 0.01, 1e-3);
  step = nice_step(hi - lo, from_zero ? 4 : 3);
  lo = std::floor(lo / step + 1e-9) * step;
  hi = std::ceil(hi / step - 1e-9) * step;
}

void draw_panel(std::string& svg, const panel& p, const std::vector<segment_row>& rows,
                const linear& x, double top) {
  std::vector<double> values;
  for (const auto& r : rows)
    if (r.*p.value) values.push_back(*(r.*p.value));
  double lo, hi, step;
  y_range(values, p.bars, lo, hi, step);
  // Bitrates are shown in Mb/s or kb/s, so the tick labels stay short.
  double unit = 1;
  std::string unit_text = p.unit;
  if (p.bars) {
    unit = hi >= 2e6 ? 1e6 : 1e3;
    unit_text = unit == 1e6 ? "Mb/s" : "kb/s";
  }
  linear y{lo, hi, top + p.height, top};
  svg += fmt::format("<text class=\"panel-title\" x=\"16\" y=\"{}\">{}</text>", px(top + 12),
                     escape(p.title));
  if (!unit_text.empty())
    svg += fmt::format("<text class=\"tick\" x=\"16\" y=\"{}\">{}</text>", px(top + 27),
                       escape(unit_text));
  for (double t : ticks(lo, hi, step)) {
    svg += fmt::format("<line class=\"grid\" x1=\"{0}\" y1=\"{2}\" x2=\"{1}\" y2=\"{2}\"/>", kLeft,
                       kWidth - kRight, px(y(t)));
    svg += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                       kLeft - 8, px(y(t) + 4), tick_text(t / unit));
  }
  svg += fmt::format("<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>", kLeft,
                     px(top), px(top + p.height));
  std::string path;
  double last_end = -1;
  bool dots = rows.size() <= 80;
  for (const auto& r : rows) {
    const auto& v = r.*p.value;
    if (!v) {
      last_end = -1;
      continue;
    }
    double x0 = x(r.start), x1 = x(r.end), w = x1 - x0;
    if (p.bars) {
      double gap = w > 4 ? 1 : 0;
      svg += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>",
          px(x0 + gap / 2), px(y(*v)), px(std::max(0.8, w - gap)), px(y(lo) - y(*v)), p.colour,
          escape(r.title));
      if (w >= text_width(r.id, 10) + 4)
        svg +=
            fmt::format("<text class=\"bar-id\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                        px(x0 + w / 2), px(y(*v) - 4), escape(r.id));
      continue;
    }
    bool joined = last_end >= 0 && std::abs(last_end - x0) < 0.5;
    path += fmt::format("{}{} {} H{} ", joined ? "L" : "M", px(x0), px(y(*v)), px(x1));
    last_end = x1;
    if (dots && w >= 6)
      svg +=
          fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{}\"><title>{}</title></circle>",
                      px(x0 + w / 2), px(y(*v)), p.colour, escape(r.title));
  }
  if (!path.empty())
    svg += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>", path,
                       p.colour);
}

}  // namespace

std::string segment_charts_svg(const json& report) {
  std::vector<segment_row> rows = rows_of(report);
  if (rows.empty()) return "";
  double end = 0;
  for (const auto& r : rows) end = std::max(end, r.end);
  end = std::max({end, number_of(html::object_of(report, "input"), "duration_s").value_or(0),
                  number_of(html::object_of(report, "output"), "duration_s").value_or(0)});
  if (!(end > 0)) end = 1;
  linear x{0, end, kLeft, kWidth - kRight};

  std::vector<panel> panels = {
      {"Bitrate", "", html::kColourBitrate, &segment_row::bitrate, true, 150},
      {"PSNR", "dB", html::kColourPsnr, &segment_row::psnr, false, 90},
      {"SSIM", "", html::kColourSsim, &segment_row::ssim, false, 90},
      {"VMAF", "", html::kColourVmaf, &segment_row::vmaf, false, 90}};
  panels.erase(std::remove_if(panels.begin(), panels.end(),
                              [&](const panel& p) {
                                return std::none_of(rows.begin(), rows.end(), [&](const auto& r) {
                                  return (r.*p.value).has_value();
                                });
                              }),
               panels.end());
  if (panels.empty()) return "";
  std::vector<double> cuts = scene_cuts(report);

  constexpr double kGap = 22;
  double top = 44, y = top;
  std::string body;
  for (const auto& p : panels) {
    draw_panel(body, p, rows, x, y);
    y += p.height + kGap;
  }
  double bottom = y - kGap;
  std::string svg = svg_open(bottom + 44, "bitrate and quality of each segment over the video");
  double lx = kLeft;
  for (const auto& p : panels)
    lx = legend_item(svg, lx, 18, box_swatch(p.colour),
                     (p.bars ? "bitrate" : p.title) + " of each segment");
  if (!cuts.empty())
    legend_item(svg, lx, 18,
                fmt::format("<line class=\"cut\" x1=\"7\" y1=\"-1\" x2=\"7\" y2=\"14\"/>"),
                "scene cut");
  std::string axis;
  x_axis(axis, x, end, top, bottom, "seconds of video");
  svg += axis + body;
  for (double c : cuts)
    svg += fmt::format(
        "<line class=\"cut\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"><title>scene cut at {3} "
        "s</title></line><path class=\"cut-mark\" d=\"M{4} {5} L{6} {5} L{0} {1} Z\"/>",
        px(x(c)), px(top - 2), px(bottom), fixed(c, 3), px(x(c) - 4), px(top - 8), px(x(c) + 4));
  return svg + "</svg>";
}

std::string chart_css() {
  return std::string(
             "svg.chart{display:block;width:100%;height:auto;font-family:inherit}"
             "svg .grid{stroke:#e8eaee;stroke-width:1}"
             "svg .axis{stroke:#9aa1ab;stroke-width:1}"
             "svg .lane{stroke:#eef0f3;stroke-width:1}"
             "svg .band{fill:#f7f8fa}svg .band-odd{fill:#eef2f7}"
             "svg .tick{fill:#5b616b;font-size:11px}"
             "svg .axis-title,svg .note{fill:#6b7280;font-size:11.5px}"
             "svg .note{font-style:italic}"
             "svg .legend{fill:#374151;font-size:12px}"
             "svg .lane-label{fill:#1f2937;font-size:12px}"
             "svg .node-label{fill:#111827;font-size:12px;font-weight:600}"
             "svg .bar{stroke:#fff;stroke-width:1}svg .bar.thin{stroke:none}"
             "svg .bar-label{fill:#fff;font-size:10.5px;font-weight:600;pointer-events:none}"
             "svg .bar-id{fill:#4b5563;font-size:10px}"
             "svg .panel-title{fill:#111827;font-size:12px;font-weight:600}"
             "svg .cut{stroke:") +
         html::kColourCut +
         ";stroke-width:1.2;stroke-opacity:.8;stroke-dasharray:5 3}svg .cut-mark{fill:" +
         html::kColourCut + "}";
}

}  // namespace pvenc::app
