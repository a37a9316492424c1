#include "apps/pvenc_node/svg_chart.hpp"

#include <cmath>

#include <fmt/format.h>

#include "apps/pvenc_node/html_util.hpp"

namespace pvenc::app::svg {

using html::escape;
using html::fixed;

double nice_step(double span, int parts) {
  if (!(span > 0)) return 1;
  double raw = span / parts;
  double magnitude = std::pow(10, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0})
    if (m * magnitude >= raw * (1 - 1e-9)) return m * magnitude;
  return 10 * magnitude;
}

std::vector<double> ticks(double lo, double hi, double step) {
  std::vector<double> out;
  for (double i = std::ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; ++i)
    out.push_back(i * step);
  return out;
}

std::string tick_text(double v) {
  return fmt::format("{:g}", std::abs(v) < 1e-12 ? 0.0 : v);
}

std::string px(double v) {
  return fixed(v, 1);
}

double text_width(const std::string& text, double font_px) {
  return static_cast<double>(text.size()) * font_px * 0.62;
}

std::string shorten(const std::string& text, std::size_t max_chars) {
  if (text.size() <= max_chars) return text;
  std::size_t n = max_chars - 1;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return text.substr(0, n) + "\u2026";
}

std::string svg_open(double height, const std::string& label) {
  return fmt::format(
      "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {1}\" "
      "width=\"{0}\" height=\"{1}\" role=\"img\" aria-label=\"{2}\">",
      kWidth, px(height), escape(label));
}

void x_axis(std::string& svg, const linear& x, double hi, double top, double bottom,
            const std::string& title) {
  for (double t : ticks(0, hi, nice_step(hi, 12))) {
    svg += fmt::format("<line class=\"grid\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>",
                       px(x(t)), px(top), px(bottom));
    svg += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                       px(x(t)), px(bottom + 15), tick_text(t));
  }
  svg += fmt::format("<line class=\"axis\" x1=\"{0}\" y1=\"{2}\" x2=\"{1}\" y2=\"{2}\"/>", kLeft,
                     kWidth - kRight, px(bottom));
  svg += fmt::format("<text class=\"axis-title\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                     kWidth - kRight, px(bottom + 32), escape(title));
}

double legend_item(std::string& svg, double x, double y, const std::string& swatch,
                   const std::string& text) {
  svg += fmt::format("<g transform=\"translate({},{})\">{}</g>", px(x), px(y - 10), swatch);
  svg += fmt::format("<text class=\"legend\" x=\"{}\" y=\"{}\">{}</text>", px(x + 20), px(y),
                     escape(text));
  return x + 20 + static_cast<double>(text.size()) * 12 * 0.55 + 24;
}

std::string box_swatch(const char* colour) {
  return fmt::format("<rect width=\"14\" height=\"12\" rx=\"2\" fill=\"{}\"/>", colour);
}

}  // namespace pvenc::app::svg
