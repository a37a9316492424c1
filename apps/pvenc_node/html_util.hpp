// Small helpers of the HTML report: escaping text for HTML/SVG, formatting numbers, and reading
// optional fields of the JSON report (absent, null or of another type read as "not there").
#pragma once

#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace pvenc::app::html {

// Text safe inside an element or a quoted attribute.
inline std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// `x` with `decimals` digits after the point; "–" when it is not finite.
inline std::string fixed(double x, int decimals) {
  if (!std::isfinite(x)) return "–";
  return fmt::format("{:.{}f}", x, decimals);
}

// The field `key` of `j` when `j` is an object holding a non-null `key`; null otherwise.
inline const nlohmann::json* field(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? nullptr : &*it;
}

inline std::optional<double> number_of(const nlohmann::json& j, const char* key) {
  const nlohmann::json* f = field(j, key);
  if (f && f->is_number()) return f->get<double>();
  return std::nullopt;
}

// Strings as they are, numbers and booleans as JSON writes them, anything else "".
inline std::string text_of(const nlohmann::json& j, const char* key) {
  const nlohmann::json* f = field(j, key);
  if (!f) return "";
  if (f->is_string()) return f->get<std::string>();
  if (f->is_number() || f->is_boolean()) return f->dump();
  return "";
}

inline bool flag_of(const nlohmann::json& j, const char* key) {
  const nlohmann::json* f = field(j, key);
  return f && f->is_boolean() && f->get<bool>();
}

// The array `key` of `j`, or an empty array.
inline const nlohmann::json& array_of(const nlohmann::json& j, const char* key) {
  static const nlohmann::json empty = nlohmann::json::array();
  const nlohmann::json* f = field(j, key);
  return f && f->is_array() ? *f : empty;
}

// The object `key` of `j`, or an empty object.
inline const nlohmann::json& object_of(const nlohmann::json& j, const char* key) {
  static const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json* f = field(j, key);
  return f && f->is_object() ? *f : empty;
}

// 1234567 -> "1.23 MB"; bytes in decimal units.
inline std::string bytes_text(double bytes) {
  if (bytes >= 1e9) return fixed(bytes / 1e9, 2) + " GB";
  if (bytes >= 1e6) return fixed(bytes / 1e6, 2) + " MB";
  if (bytes >= 1e3) return fixed(bytes / 1e3, 1) + " kB";
  return fixed(bytes, 0) + " B";
}

// bits per second -> "1.23 Mb/s" or "850 kb/s".
inline std::string bitrate_text(double bits_per_s) {
  if (bits_per_s >= 1e6) return fixed(bits_per_s / 1e6, 2) + " Mb/s";
  if (bits_per_s >= 1e3) return fixed(bits_per_s / 1e3, 0) + " kb/s";
  return fixed(bits_per_s, 0) + " b/s";
}

// Colours shared by the charts and the page's CSS.
inline constexpr const char* kColourOk = "#2e8b57";
inline constexpr const char* kColourFailed = "#d64541";
inline constexpr const char* kColourLost = "#e0a526";
inline constexpr const char* kColourBitrate = "#4a78b5";
inline constexpr const char* kColourPsnr = "#e07b39";
inline constexpr const char* kColourSsim = "#7a5cc0";
inline constexpr const char* kColourVmaf = "#2a9d8f";
inline constexpr const char* kColourCut = "#c2185b";

}  // namespace pvenc::app::html
