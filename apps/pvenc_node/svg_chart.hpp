// The primitives the report's SVG charts share: the chart geometry (every chart is kWidth wide in
// its viewBox, with a kLeft margin for labels), nice axis ticks, a linear scale, an x axis with
// grid lines, and legend entries. Text passed in is escaped here.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace pvenc::app::svg {

inline constexpr double kWidth = 1200;  // the viewBox width of every chart
inline constexpr double kLeft = 170;    // room for lane labels and y axis labels
inline constexpr double kRight = 24;

// Maps [d0, d1] onto [r0, r1].
struct linear {
  double d0, d1, r0, r1;
  double operator()(double v) const {
    return d1 == d0 ? r0 : r0 + (v - d0) * (r1 - r0) / (d1 - d0);
  }
};

// A 1-2-5 step that cuts `span` into about `parts` parts.
double nice_step(double span, int parts);
// The multiples of `step` in [lo, hi].
std::vector<double> ticks(double lo, double hi, double step);
std::string tick_text(double v);
// A coordinate, with one decimal.
std::string px(double v);
// About how wide `text` is at `font_px` (no font metrics here: a conservative average).
double text_width(const std::string& text, double font_px);
// At most `max_chars` bytes, cut at a UTF-8 character boundary, with an ellipsis.
std::string shorten(const std::string& text, std::size_t max_chars);

// The opening <svg> tag of a chart `height` high; `label` is its accessible name.
std::string svg_open(double height, const std::string& label);
// Vertical grid lines from `top` to `bottom` at the ticks of [0, hi], their labels under
// `bottom`, the axis line, and `title` at its right end.
void x_axis(std::string& svg, const linear& x, double hi, double top, double bottom,
            const std::string& title);
// A legend entry at (`x`, `y`): `swatch` (SVG drawn in a 14x12 box) and `text`; returns the x of
// the next entry.
double legend_item(std::string& svg, double x, double y, const std::string& swatch,
                   const std::string& text);
// A filled 14x12 box.
std::string box_swatch(const char* colour);

}  // namespace pvenc::app::svg
