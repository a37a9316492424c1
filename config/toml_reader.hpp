// Checked, typed access to a parsed job file, for job_loader.cpp. Every error it raises is a
// job_error of one line that names the file, the TOML line when known, and the key:
// "job.toml:7: video.crf = 80: must be between 0 and 51".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

namespace pvenc::config {

// The keys a section (a TOML table) may hold.
struct section_keys {
  std::string name;  // "video"
  std::vector<std::string> keys;
};

// Throws job_error(message), with control characters escaped so that it stays one line.
[[noreturn]] void throw_job_error(std::string message);

// A value as messages show it: strings quoted ("h264"), numbers short (29.97), tables by type.
std::string describe_value(const toml::node& node);
// "a string", "an integer", ...
std::string describe_type(toml::node_type type);
// A TOML string literal: "a\"b".
std::string quoted_string(std::string_view text);
// A number as messages show it: 29.97, 10, 0.5.
std::string format_number(double value);
// "a, b, c".
std::string join(const std::vector<std::string>& items);

// Reads keys by their dotted path ("video.crf"). Holds references: `root` and `source` must
// outlive the reader. The getters return nullopt when the key is absent and throw a job_error
// when its type or range is wrong.
class toml_reader {
 public:
  toml_reader(const toml::table& root, const std::string& source) : root_(root), source_(source) {}

  // The node at `key` ("video.crf", "faults.fail_segments[1]"), or nullptr when absent.
  const toml::node* find(std::string_view key) const;
  bool has(std::string_view key) const { return find(key) != nullptr; }

  // "job.toml:7" when `key` is present and its line known, else "job.toml".
  std::string where(std::string_view key) const;
  // Throws job_error("<where(key)>: <message>"); `message` names the key itself.
  [[noreturn]] void fail(std::string_view key, const std::string& message) const;
  // Throws job_error("<where(key)>: <key> = <value>: <message>"). REQUIRES: has(key).
  [[noreturn]] void fail_value(std::string_view key, const std::string& message) const;
  // Throws job_error("<where(key)>: <key>: expected <expected>, got <the node's type>").
  [[noreturn]] void fail_type(std::string_view key, const std::string& expected) const;

  std::optional<std::string> string(std::string_view key) const;
  std::optional<bool> boolean(std::string_view key) const;
  std::optional<std::int64_t> integer(std::string_view key) const;
  // An integer or a float (duration = 10 is fine).
  std::optional<double> number(std::string_view key) const;
  // An integer in [lo, hi].
  std::optional<int> integer_in(std::string_view key, int lo, int hi) const;
  // A number in [lo, hi]; NaN is out of range.
  std::optional<double> number_in(std::string_view key, double lo, double hi) const;
  // An array whose elements are integers in [lo, hi].
  std::optional<std::vector<int>> integer_array(std::string_view key, int lo, int hi) const;

  // Checks that the root holds only `top_keys` and `sections`, that each section is a table and
  // that it holds only its keys. Throws job_error on the first unknown key.
  void check_keys(const std::vector<std::string>& top_keys,
                  const std::vector<section_keys>& sections) const;

 private:
  std::string where_line(const toml::source_region& region) const;
  void check_section(const toml::key& name, const toml::node& node,
                     const section_keys& allowed) const;

  const toml::table& root_;
  const std::string& source_;
};

}  // namespace pvenc::config
