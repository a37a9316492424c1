#include "apps/pvenc_node/report_html.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "apps/pvenc_node/html_util.hpp"
#include "apps/pvenc_node/report_charts.hpp"

namespace pvenc::app {
namespace {

using html::array_of;
using html::escape;
using html::fixed;
using html::number_of;
using html::object_of;
using html::text_of;
using nlohmann::json;

// A number of the report as text with `decimals` digits, "–" when it is absent.
std::string number_text(const json& j, const char* key, int decimals) {
  auto v = number_of(j, key);
  return v ? fixed(*v, decimals) : "–";
}

std::string or_dash(const std::string& text) {
  return text.empty() ? "\u2013" : text;
}

std::string fact(const std::string& key, const std::string& value, const std::string& sub = "") {
  std::string out = "<div class=\"fact\"><div class=\"k\">" + escape(key) +
                    "</div><div class=\"v\">" + escape(value) + "</div>";
  if (!sub.empty()) out += "<div class=\"sub\">" + escape(sub) + "</div>";
  return out + "</div>";
}

// PSNR, SSIM and VMAF of the whole output, each when the report has it.
std::string quality_facts(const json& q) {
  std::string f;
  auto psnr = number_of(q, "psnr");
  auto psnr_y = number_of(q, "psnr_y");
  if (psnr || psnr_y)
    f += fact("PSNR", fixed(psnr ? *psnr : *psnr_y, 2) + " dB",
              psnr && psnr_y ? "luma " + fixed(*psnr_y, 2) + " dB"
              : psnr         ? ""
                             : "luma");
  if (auto ssim = number_of(q, "ssim")) f += fact("SSIM", fixed(*ssim, 4));
  if (number_of(q, "vmaf") || !text_of(q, "vmaf_reason").empty())
    f += fact("VMAF", number_text(q, "vmaf", 1), text_of(q, "vmaf_reason"));
  return f;
}

std::string header_html(const json& r) {
  bool ok = html::flag_of(r, "ok");
  const json& in = object_of(r, "input");
  const json& out = object_of(r, "output");
  std::string h = "<header><h1>pvenc report <span class=\"badge " +
                  std::string(ok ? "ok\">ok" : "bad\">failed") + "</span></h1>";
  h += "<div class=\"paths\"><div><span class=\"k\">input</span><code>" +
       escape(text_of(in, "path")) + "</code></div><div><span class=\"k\">output</span><code>" +
       escape(text_of(out, "path")) + "</code></div></div></header>";
  if (!text_of(r, "error").empty())
    h += "<div class=\"error\"><strong>Error:</strong> " + escape(text_of(r, "error")) + "</div>";
  return h;
}

std::string facts_html(const json& r) {
  const json& in = object_of(r, "input");
  const json& out = object_of(r, "output");
  const json& settings = object_of(r, "settings");
  std::string f = "<section class=\"facts\">";
  f += fact("Frames", or_dash(text_of(in, "frames")) + " \u2192 " + or_dash(text_of(out, "frames")),
            "input \u2192 output");
  f += fact("Duration", number_text(out, "duration_s", 2) + " s",
            "input " + number_text(in, "duration_s", 2) + " s");
  f += fact("Output size", html::bytes_text(number_of(out, "size_bytes").value_or(0)),
            "input " + html::bytes_text(number_of(in, "size_bytes").value_or(0)));
  double ratio = number_of(r, "compression_ratio").value_or(0);
  f += fact("Compression ratio", ratio > 0 ? fixed(ratio, 3) : "\u2013",
            ratio > 0                                     ? "output / input bytes"
            : number_of(in, "size_bytes").value_or(0) > 0 ? "no output"
                                                          : "no input file size (generated input)");
  double elapsed = number_of(r, "elapsed_s").value_or(0);
  double frames = number_of(out, "frames").value_or(0);
  f += fact("Elapsed", fixed(elapsed, 2) + " s",
            elapsed > 0 && frames > 0 ? fixed(frames / elapsed, 1) + " fps overall" : "");
  f += fact("Encoder", or_dash(text_of(r, "encoder")),
            "codec " + text_of(settings, "codec") + " \u00b7 speed " + text_of(settings, "speed"));
  std::string rate = "\u2013";
  if (number_of(settings, "crf")) rate = "crf " + text_of(settings, "crf");
  if (auto b = number_of(settings, "bitrate")) rate = html::bitrate_text(*b);
  const json& target = object_of(settings, "target");
  std::string target_text;
  if (!text_of(target, "metric").empty())
    target_text = "target " + text_of(target, "metric") + " " + text_of(target, "value") +
                  " (crf " + text_of(target, "crf_min") + "\u2013" + text_of(target, "crf_max") +
                  ")";
  f += fact("Rate control", rate, target_text);
  std::string workers_sub = text_of(settings, "threads").empty()
                                ? ""
                                : text_of(settings, "threads") + " thread(s) per worker";
  f += fact("Workers", std::to_string(array_of(r, "workers").size()), workers_sub);
  f += fact("Retries", or_dash(text_of(r, "retries")),
            "resumed segments: " +
                (text_of(r, "resumed_segments").empty() ? "0" : text_of(r, "resumed_segments")));
  f += fact("Segments", std::to_string(array_of(r, "segments").size()));
  f += quality_facts(object_of(r, "quality"));
  const json& scenes = object_of(r, "scene_detection");
  if (!scenes.empty())
    f += fact("Scene cuts", text_of(scenes, "cuts").empty() ? "\u2013" : text_of(scenes, "cuts"),
              number_of(scenes, "fps").value_or(0) > 0
                  ? "detector ran at " + number_text(scenes, "fps", 0) + " fps"
                  : "");
  const json& cluster = object_of(r, "cluster");
  if (!cluster.empty()) {
    std::string nodes;
    for (const auto& n : array_of(cluster, "nodes"))
      if (n.is_string()) nodes += (nodes.empty() ? "" : ", ") + n.get<std::string>();
    f += fact("Cluster", text_of(cluster, "listen"),
              "port " + text_of(cluster, "port") + (nodes.empty() ? "" : " \u00b7 " + nodes));
  }
  return f + "</section>";
}

// A table cell; `numeric` cells are right-aligned.
std::string td(const std::string& text, bool numeric = true, const std::string& title = "") {
  std::string out = numeric ? "<td class=\"n\"" : "<td";
  if (!title.empty()) out += " title=\"" + escape(title) + "\"";
  return out + ">" + escape(text) + "</td>";
}

std::string workers_table(const json& r) {
  std::string t =
      "<table><thead><tr><th>Worker</th><th>Node</th><th class=\"n\">Frames</th>"
      "<th class=\"n\">Busy (s)</th><th "
      "class=\"n\">fps</th><th>Efficiency</th></tr></thead><tbody>";
  for (const auto& w : array_of(r, "workers")) {
    double efficiency = number_of(w, "efficiency").value_or(0);
    std::string node = text_of(w, "node") + (html::flag_of(w, "remote") ? " (remote)" : "");
    t += "<tr>" + td(text_of(w, "id"), false) + td(node, false) + td(text_of(w, "frames")) +
         td(number_text(w, "busy_s", 2)) + td(number_text(w, "fps", 1));
    t += fmt::format(
        "<td><div class=\"meter\"><span style=\"width:{:.1f}%\"></span></div>{}&nbsp;%</td></tr>",
        std::clamp(efficiency * 100, 0.0, 100.0), fixed(efficiency * 100, 1));
  }
  return t + "</tbody></table>";
}

bool any_segment_has(const json& r, const char* object, const char* key) {
  for (const auto& s : array_of(r, "segments"))
    if (number_of(object_of(s, object), key)) return true;
  return false;
}

std::string segments_table(const json& r) {
  bool psnr = any_segment_has(r, "quality", "psnr") || any_segment_has(r, "quality", "psnr_y");
  bool ssim = any_segment_has(r, "quality", "ssim");
  bool vmaf = any_segment_has(r, "quality", "vmaf");
  bool complexity = any_segment_has(r, "complexity", "score");
  std::string t =
      "<table><thead><tr><th class=\"n\">#</th><th class=\"n\">Start (s)</th>"
      "<th class=\"n\">Duration (s)</th><th class=\"n\">Frames</th><th class=\"n\">Bytes</th>"
      "<th class=\"n\">Bitrate</th><th class=\"n\">CRF</th><th class=\"n\">Attempts</th>"
      "<th>Worker</th><th>Node</th>";
  if (psnr) t += "<th class=\"n\">PSNR (dB)</th>";
  if (ssim) t += "<th class=\"n\">SSIM</th>";
  if (vmaf) t += "<th class=\"n\">VMAF</th>";
  if (complexity) t += "<th class=\"n\">Complexity</th>";
  t += "<th>Notes</th></tr></thead><tbody>";
  for (const auto& s : array_of(r, "segments")) {
    const json& log = array_of(s, "attempt_log");
    bool failed = !log.empty() && !html::flag_of(log.back(), "ok");
    int attempts = static_cast<int>(number_of(s, "attempts").value_or(0));
    t += failed ? "<tr class=\"failed\">" : attempts > 1 ? "<tr class=\"retried\">" : "<tr>";
    double duration = number_of(s, "duration_s").value_or(0);
    auto bytes = number_of(s, "bytes");
    t += td(text_of(s, "id")) + td(number_text(s, "start_s", 3)) +
         td(number_text(s, "duration_s", 3)) +
         td(text_of(s, "frames"), true,
            "frames " + text_of(s, "start_frame") + " to " + text_of(s, "end_frame") +
                " (exclusive)");
    t += td(bytes ? fmt::format("{:.0f}", *bytes) : "\u2013", true,
            bytes ? html::bytes_text(*bytes) : "");
    t += td(bytes && *bytes > 0 && duration > 0 ? html::bitrate_text(*bytes * 8 / duration)
                                                : "\u2013");
    t += td(text_of(s, "crf").empty() ? "\u2013" : text_of(s, "crf")) + td(text_of(s, "attempts"));
    t += td(text_of(s, "worker"), false) + td(text_of(s, "node"), false);
    const json& q = object_of(s, "quality");
    if (psnr)
      t += td(number_of(q, "psnr") ? number_text(q, "psnr", 2) : number_text(q, "psnr_y", 2));
    if (ssim) t += td(number_text(q, "ssim", 4));
    if (vmaf) t += td(number_text(q, "vmaf", 1));
    if (complexity) {
      const json& c = object_of(s, "complexity");
      t += td(number_text(c, "score", 2), true,
              "motion " + number_text(c, "motion", 2) + ", detail " + number_text(c, "detail", 2));
    }
    std::vector<std::string> notes;
    if (failed)
      notes.push_back(text_of(log.back(), "error").empty()
                          ? "failed"
                          : "failed: " + text_of(log.back(), "error"));
    if (html::flag_of(s, "resumed")) notes.push_back("resumed");
    if (html::field(s, "split_from"))
      notes.push_back("rest of segment " + text_of(s, "split_from") + ", cut for an idle worker");
    const json& target = object_of(s, "target");
    if (html::field(target, "met") && !html::flag_of(target, "met"))
      notes.push_back("missed the " + text_of(target, "metric") + " target");
    if (!text_of(s, "quality_note").empty()) notes.push_back(text_of(s, "quality_note"));
    if (number_of(s, "damaged_source").value_or(0) > 0)
      notes.push_back(text_of(s, "damaged_source") + " damaged source frames");
    std::size_t cuts = array_of(s, "scene_cuts_s").size();
    if (cuts > 0) notes.push_back(std::to_string(cuts) + " scene cut" + (cuts > 1 ? "s" : ""));
    std::string note_text;
    for (const auto& n : notes) note_text += (note_text.empty() ? "" : "; ") + n;
    t += td(note_text, false) + "</tr>";
  }
  return t + "</tbody></table>";
}

std::string page_css() {
  return std::string(
             "*{box-sizing:border-box}"
             "body{margin:0;background:#f4f5f7;color:#1f2937;font:14px/1.45 -apple-system,"
             "'Segoe UI',Roboto,'Helvetica Neue',Arial,'Liberation Sans','DejaVu Sans',"
             "sans-serif}"
             "main{max-width:1260px;margin:0 auto;padding:24px 28px 40px}"
             "h1{font-size:22px;margin:0 0 10px;display:flex;align-items:center;gap:12px}"
             "h2{font-size:16px;margin:0 0 4px}"
             "p.caption{margin:0 0 12px;color:#6b7280;font-size:13px}"
             ".badge{font-size:13px;font-weight:600;padding:2px 10px;border-radius:10px;"
             "color:#fff}"
             ".badge.ok{background:") +
         html::kColourOk + "}.badge.bad{background:" + html::kColourFailed +
         "}"
         ".paths{display:grid;gap:4px;margin-bottom:16px}"
         ".paths .k{display:inline-block;width:60px;color:#6b7280}"
         "code{font:13px 'DejaVu Sans Mono',Menlo,Consolas,monospace;word-break:break-all;"
         "background:#e9ecf1;padding:1px 6px;border-radius:4px}"
         ".error{background:#fdecea;border:1px solid #f5c2be;color:#8a1c15;padding:10px 14px;"
         "border-radius:8px;margin-bottom:16px;white-space:pre-wrap;word-break:break-word}"
         ".facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:10px;"
         "margin-bottom:18px}"
         ".fact{background:#fff;border:1px solid #e3e6ea;border-radius:8px;padding:10px 14px}"
         ".fact .k{font-size:12px;color:#6b7280;text-transform:uppercase;letter-spacing:.04em}"
         ".fact .v{font-size:18px;font-weight:600;word-break:break-word}"
         ".fact .sub{font-size:12px;color:#6b7280;word-break:break-word}"
         "section.card{background:#fff;border:1px solid #e3e6ea;border-radius:8px;"
         "padding:16px 20px;margin-bottom:18px;overflow-x:auto}"
         "table{border-collapse:collapse;width:100%;font-size:13px;"
         "font-variant-numeric:tabular-nums}"
         "th,td{padding:4px 10px;border-bottom:1px solid #edf0f3;text-align:left;"
         "white-space:nowrap}"
         "th{background:#f7f8fa;color:#374151;font-weight:600;position:sticky;top:0}"
         ".n{text-align:right}"
         "tr.retried td{background:#fff8e6}tr.failed td{background:#fdecea}"
         "td:last-child{white-space:normal}"
         ".meter{display:inline-block;width:80px;height:8px;background:#e5e7eb;border-radius:4px;"
         "margin-right:8px;vertical-align:middle;overflow:hidden}"
         ".meter span{display:block;height:100%;background:" +
         html::kColourOk +
         "}"
         "footer{color:#9ca3af;font-size:12px;text-align:center}" +
         chart_css();
}

std::string card(const std::string& title, const std::string& caption, const std::string& content) {
  return "<section class=\"card\"><h2>" + escape(title) + "</h2><p class=\"caption\">" +
         escape(caption) + "</p>" + content + "</section>";
}

}  // namespace

std::string render_html_report(const json& report) {
  std::string title = "pvenc report: " + text_of(object_of(report, "output"), "path");
  std::string page =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<title>" +
      escape(title) + "</title><style>" + page_css() + "</style></head><body><main>";
  page += header_html(report) + facts_html(report);
  std::string timeline = timeline_svg(report);
  page += card("Workers over time",
               "One lane per worker, one bar per attempt from its start to its end, labelled "
               "with the segment. Hover a bar for its details.",
               timeline.empty() ? "<p>No attempts were recorded.</p>" : timeline);
  std::string charts = segment_charts_svg(report);
  if (!charts.empty())
    page += card("Segments along the video",
                 "Bitrate (bytes \u00d7 8 / duration) and quality of each segment at its place "
                 "in the video; dashed lines mark the detected scene cuts.",
                 charts);
  page +=
      card("Workers", "Efficiency is busy time / the job's elapsed time.", workers_table(report));
  page += card("Segments", "Rows with a retry are tinted; a failed segment in red.",
               segments_table(report));
  page += "<footer>written by pvenc-node</footer></main></body></html>\n";
  return page;
}

}  // namespace pvenc::app
