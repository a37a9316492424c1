// Value syntax of job files and the command line; the contracts are in value_syntax.hpp.
#include "config/value_syntax.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <numeric>
#include <system_error>

namespace pvenc::config {

std::optional<double> parse_decimal(std::string_view text) {
  double value = 0;
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text.front()))) return std::nullopt;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::fixed);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> parse_rate(std::string_view text) {
  if (text.empty()) return std::nullopt;
  auto suffix = std::string_view("kmg").find(
      static_cast<char>(std::tolower(static_cast<unsigned char>(text.back()))));
  if (suffix == std::string_view::npos) return parse_decimal(text);
  auto value = parse_decimal(text.substr(0, text.size() - 1));
  if (!value) return std::nullopt;
  return *value * std::pow(1000.0, static_cast<double>(suffix + 1));
}

std::optional<int> parse_count(std::string_view text) {
  int value = 0;
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text.front()))) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::pair<int, int>> parse_resolution(std::string_view text) {
  auto x = text.find('x');
  if (x == std::string_view::npos) return std::nullopt;
  auto width = parse_count(text.substr(0, x));
  auto height = parse_count(text.substr(x + 1));
  if (!width || !height) return std::nullopt;
  return std::make_pair(*width, *height);
}

namespace {

fraction reduced(fraction f) {
  auto g = std::gcd(f.num, f.den);
  return g > 1 ? fraction{f.num / g, f.den / g} : f;
}

}  // namespace

fraction fraction_from_double(double rate) {
  if (!(rate > 0 && rate <= 1000)) return {0, 1};
  static const fraction ntsc[] = {
      {24000, 1001}, {30000, 1001}, {48000, 1001}, {60000, 1001}, {120000, 1001}};
  for (const auto& f : ntsc) {
    double rounded = std::round(static_cast<double>(f.num) / f.den * 1000) / 1000;
    if (std::fabs(rate - rounded) < 1e-9) return f;
  }
  return reduced({std::llround(rate * 1000), 1000});
}

std::optional<fraction> parse_frame_rate(std::string_view text) {
  auto slash = text.find('/');
  if (slash != std::string_view::npos) {
    auto num = parse_count(text.substr(0, slash));
    auto den = parse_count(text.substr(slash + 1));
    if (!num || !den || *den == 0) return std::nullopt;
    return reduced({*num, *den});
  }
  auto rate = parse_decimal(text);
  if (!rate) return std::nullopt;
  return fraction_from_double(*rate);
}

}  // namespace pvenc::config
