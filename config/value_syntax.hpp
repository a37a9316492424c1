// The syntax of job-file and command-line values: pure functions, nullopt when the text is
// malformed. Ranges are the caller's to check.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace pvenc::config {

// "2.5", "30": digits with an optional fraction; no sign, exponent, inf or nan.
std::optional<double> parse_decimal(std::string_view text);

// "2M", "800k", "2.5M", "128000": bits/s. Suffixes k, M, G (either case).
std::optional<double> parse_rate(std::string_view text);

// Digits only ("+1", "-1", " 1" are malformed); nullopt also when it overflows an int.
std::optional<int> parse_count(std::string_view text);

// "1280x720" -> {1280, 720}.
std::optional<std::pair<int, int>> parse_resolution(std::string_view text);

// A frame rate as an exact fraction (reduced).
struct fraction {
  std::int64_t num;
  std::int64_t den;
};

// 29.97 -> 30000/1001 (and the other NTSC rates); otherwise milli-precision: 12.5 -> 25/2.
// Out of (0, 1000] -> 0/1, which the caller reports as out of range.
fraction fraction_from_double(double rate);

// "30000/1001", "25", "29.97".
std::optional<fraction> parse_frame_rate(std::string_view text);

}  // namespace pvenc::config
