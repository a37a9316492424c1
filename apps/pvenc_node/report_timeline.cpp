// timeline_svg (report_charts.hpp): the workers' lanes and their attempts over the job's time.
#include "apps/pvenc_node/report_charts.hpp"

#include <algorithm>
#include <cmath>
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
using svg::px;
using svg::shorten;
using svg::svg_open;
using svg::text_width;
using svg::x_axis;

struct attempt_bar {
  std::string segment;  // the segment id, as text
  double start = 0, end = 0, encode_s = 0;
  bool timed = false;  // start and end come from the report
  bool ok = false, lost = false;
  std::string title;  // the tooltip
};

struct lane {
  std::string worker, node;
  std::vector<attempt_bar> bars;
};

attempt_bar bar_of(const json& segment, const json& a) {
  attempt_bar b;
  b.segment = text_of(segment, "id");
  b.ok = html::flag_of(a, "ok");
  b.lost = html::flag_of(a, "lost");
  b.encode_s = std::max(0.0, number_of(a, "encode_s").value_or(0));
  auto start = number_of(a, "start_s");
  auto end = number_of(a, "end_s");
  b.timed = start && end;
  if (b.timed) b.start = *start, b.end = std::max(*start, *end);
  b.title =
      "segment " + b.segment + ", attempt " + text_of(a, "attempt") + " on " + text_of(a, "worker");
  if (!text_of(a, "node").empty()) b.title += " (" + text_of(a, "node") + ")";
  b.title += ": " + fixed(b.encode_s, 2) + " s, ";
  b.title += b.lost ? "lost, encoded again unchanged" : b.ok ? "ok" : "failed";
  if (number_of(a, "crf")) b.title += ", crf " + text_of(a, "crf");
  if (number_of(a, "bitrate")) b.title += ", " + html::bitrate_text(*number_of(a, "bitrate"));
  if (!text_of(a, "error").empty()) b.title += "\n" + text_of(a, "error");
  return b;
}

// One lane per worker (the report's workers first, in order), grouped by node in the order the
// nodes first appear. Sets `estimated` when some attempt had no start/end.
std::vector<lane> lanes_of(const json& report, bool& estimated) {
  std::vector<lane> lanes;
  auto lane_for = [&](const std::string& worker, const std::string& node) -> lane& {
    for (auto& l : lanes)
      if (l.worker == worker) return l;
    lanes.push_back({worker, node, {}});
    return lanes.back();
  };
  for (const auto& w : array_of(report, "workers")) lane_for(text_of(w, "id"), text_of(w, "node"));
  for (const auto& s : array_of(report, "segments"))
    for (const auto& a : array_of(s, "attempt_log"))
      lane_for(text_of(a, "worker"), text_of(a, "node")).bars.push_back(bar_of(s, a));
  for (auto& l : lanes) {
    std::stable_sort(l.bars.begin(), l.bars.end(), [](const auto& a, const auto& b) {
      return a.timed != b.timed ? a.timed : a.timed && a.start < b.start;
    });
    double cursor = 0;
    for (auto& b : l.bars) {
      if (!b.timed) {
        b.start = cursor, b.end = cursor + b.encode_s;
        estimated = true;
      }
      cursor = std::max(cursor, b.end);
    }
  }
  std::vector<std::string> nodes;
  for (const auto& l : lanes)
    if (std::find(nodes.begin(), nodes.end(), l.node) == nodes.end()) nodes.push_back(l.node);
  auto rank = [&](const lane& l) { return std::find(nodes.begin(), nodes.end(), l.node); };
  std::stable_sort(lanes.begin(), lanes.end(),
                   [&](const lane& a, const lane& b) { return rank(a) < rank(b); });
  return lanes;
}

void draw_bar(std::string& svg, const attempt_bar& b, const linear& x, double y, double h) {
  double x0 = x(b.start);
  double w = std::max(4.0, x(b.end) - x0);
  const char* colour = b.lost ? html::kColourLost : b.ok ? html::kColourOk : html::kColourFailed;
  svg += fmt::format(
      "<rect class=\"bar{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\" fill=\"{}\">"
      "<title>{}</title></rect>",
      w < 8 ? " thin" : "", px(x0), px(y), px(w), px(h), colour, escape(b.title));
  if (w >= text_width(b.segment, 10.5) + 6)
    svg +=
        fmt::format("<text class=\"bar-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                    px(x0 + w / 2), px(y + h / 2 + 4), escape(b.segment));
}

}  // namespace

std::string timeline_svg(const json& report) {
  bool estimated = false;
  std::vector<lane> lanes = lanes_of(report, estimated);
  if (lanes.empty()) return "";
  double end = number_of(report, "elapsed_s").value_or(0);
  for (const auto& l : lanes)
    for (const auto& b : l.bars) end = std::max(end, b.end);
  if (!(end > 0)) end = 1;
  linear x{0, end, kLeft, kWidth - kRight};

  constexpr double kLane = 26, kBar = 18, kNodeRow = 20;
  bool named_nodes = lanes.front().node != lanes.back().node || !lanes.front().node.empty();
  std::string body;
  double top = 34, y = top;
  int group = 0;
  for (std::size_t i = 0; i < lanes.size(); ++i) {
    bool first_of_node = i == 0 || lanes[i].node != lanes[i - 1].node;
    if (first_of_node && named_nodes) {
      std::size_t n = 0;
      while (i + n < lanes.size() && lanes[i + n].node == lanes[i].node) ++n;
      double h = kNodeRow + n * kLane + 4;
      body += fmt::format("<rect class=\"{}\" x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                          group++ % 2 ? "band-odd" : "band", px(y), kWidth, px(h));
      std::string node = lanes[i].node.empty() ? "(no node)" : lanes[i].node;
      body += fmt::format(
          "<text class=\"node-label\" x=\"10\" y=\"{}\">node {}<title>{}</title></text>",
          px(y + 14), escape(shorten(node, 40)), escape(node));
      y += kNodeRow;
    }
    const lane& l = lanes[i];
    std::string name = l.worker.empty() ? "(unknown worker)" : l.worker;
    body += fmt::format(
        "<text class=\"lane-label\" x=\"{}\" y=\"{}\" "
        "text-anchor=\"end\">{}<title>{}</title></text>",
        kLeft - 10, px(y + kBar / 2 + 4 + 2), escape(shorten(name, 24)), escape(name));
    body += fmt::format("<line class=\"lane\" x1=\"{0}\" y1=\"{2}\" x2=\"{1}\" y2=\"{2}\"/>", kLeft,
                        kWidth - kRight, px(y + kLane - 1));
    for (const auto& b : l.bars) draw_bar(body, b, x, y + 3, kBar);
    y += kLane;
    bool last_of_node = i + 1 == lanes.size() || lanes[i + 1].node != l.node;
    if (last_of_node && named_nodes) y += 4;
  }
  double bottom = y + 4;
  double height = bottom + (estimated ? 62 : 44);

  std::string svg = svg_open(height, "timeline of the workers' attempts");
  double lx = kLeft;
  lx = legend_item(svg, lx, 18, box_swatch(html::kColourOk), "encoded");
  lx = legend_item(svg, lx, 18, box_swatch(html::kColourFailed), "failed (retried)");
  legend_item(svg, lx, 18, box_swatch(html::kColourLost), "lost (node went away)");
  std::string axis;
  x_axis(axis, x, end, top, bottom, "seconds since the job started");
  svg += axis + body;
  if (estimated)
    svg += fmt::format(
        "<text class=\"note\" x=\"{}\" y=\"{}\">Some attempts have no start time in the report: "
        "each worker's attempts are drawn end to end from their encode times.</text>",
        kLeft, px(bottom + 52));
  return svg + "</svg>";
}

}  // namespace pvenc::app
