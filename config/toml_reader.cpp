#include "config/toml_reader.hpp"

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <sstream>

#include "config/job_loader.hpp"

namespace pvenc::config {
namespace {

// Escapes control characters ("\n" -> "\\n") so that a message stays on one line.
std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::vector<std::string> section_names(const std::vector<section_keys>& sections) {
  std::vector<std::string> names;
  for (const auto& s : sections) names.push_back("[" + s.name + "]");
  return names;
}

}  // namespace

void throw_job_error(std::string message) {
  throw job_error(one_line(message));
}

std::string format_number(double value) {
  std::ostringstream out;
  out << std::setprecision(15) << value;
  return out.str();
}

std::string quoted_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string describe_type(toml::node_type type) {
  switch (type) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

std::string describe_value(const toml::node& node) {
  if (auto s = node.as_string()) return quoted_string(s->get());
  if (auto i = node.as_integer()) return std::to_string(i->get());
  if (auto f = node.as_floating_point()) return format_number(f->get());
  if (auto b = node.as_boolean()) return b->get() ? "true" : "false";
  return describe_type(node.type());
}

const toml::node* toml_reader::find(std::string_view key) const {
  return toml::at_path(root_, key).node();
}

std::string toml_reader::where_line(const toml::source_region& region) const {
  if (region.begin.line == 0) return source_;
  return source_ + ":" + std::to_string(region.begin.line);
}

std::string toml_reader::where(std::string_view key) const {
  const toml::node* node = find(key);
  return node ? where_line(node->source()) : source_;
}

void toml_reader::fail(std::string_view key, const std::string& message) const {
  throw_job_error(where(key) + ": " + message);
}

void toml_reader::fail_value(std::string_view key, const std::string& message) const {
  const toml::node* node = find(key);
  std::string value = node ? describe_value(*node) : "?";
  fail(key, std::string(key) + " = " + value + ": " + message);
}

void toml_reader::fail_type(std::string_view key, const std::string& expected) const {
  const toml::node* node = find(key);
  std::string got = node ? describe_type(node->type()) : "nothing";
  fail(key, std::string(key) + ": expected " + expected + ", got " + got);
}

std::optional<std::string> toml_reader::string(std::string_view key) const {
  const toml::node* node = find(key);
  if (!node) return std::nullopt;
  if (!node->is_string()) fail_type(key, "a string");
  return node->as_string()->get();
}

std::optional<bool> toml_reader::boolean(std::string_view key) const {
  const toml::node* node = find(key);
  if (!node) return std::nullopt;
  if (!node->is_boolean()) fail_type(key, "a boolean (true or false)");
  return node->as_boolean()->get();
}

std::optional<std::int64_t> toml_reader::integer(std::string_view key) const {
  const toml::node* node = find(key);
  if (!node) return std::nullopt;
  if (!node->is_integer()) fail_type(key, "an integer");
  return node->as_integer()->get();
}

std::optional<double> toml_reader::number(std::string_view key) const {
  const toml::node* node = find(key);
  if (!node) return std::nullopt;
  if (auto i = node->as_integer()) return static_cast<double>(i->get());
  if (auto f = node->as_floating_point()) return f->get();
  fail_type(key, "a number");
}

std::optional<int> toml_reader::integer_in(std::string_view key, int lo, int hi) const {
  auto value = integer(key);
  if (!value) return std::nullopt;
  if (*value < lo || *value > hi)
    fail_value(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  return static_cast<int>(*value);
}

std::optional<double> toml_reader::number_in(std::string_view key, double lo, double hi) const {
  auto value = number(key);
  if (!value) return std::nullopt;
  if (!(*value >= lo && *value <= hi))
    fail_value(key, "must be between " + format_number(lo) + " and " + format_number(hi));
  return value;
}

std::optional<std::vector<int>> toml_reader::integer_array(std::string_view key, int lo,
                                                           int hi) const {
  const toml::node* node = find(key);
  if (!node) return std::nullopt;
  const toml::array* array = node->as_array();
  if (!array) fail_type(key, "an array of integers");
  std::vector<int> values;
  for (std::size_t i = 0; i < array->size(); ++i)
    values.push_back(*integer_in(std::string(key) + "[" + std::to_string(i) + "]", lo, hi));
  return values;
}

void toml_reader::check_keys(const std::vector<std::string>& top_keys,
                             const std::vector<section_keys>& sections) const {
  for (auto&& [name, node] : root_) {
    std::string text(name.str());
    if (contains(top_keys, text)) continue;
    auto section = std::find_if(sections.begin(), sections.end(),
                                [&](const section_keys& s) { return s.name == text; });
    if (section != sections.end()) {
      check_section(name, node, *section);
      continue;
    }
    std::string kind = node.is_table() ? "section [" + text + "]" : "key " + text;
    throw_job_error(where_line(name.source()) + ": unknown " + kind +
                    " (allowed: " + join(top_keys) + ", " + join(section_names(sections)) + ")");
  }
}

void toml_reader::check_section(const toml::key& name, const toml::node& node,
                                const section_keys& allowed) const {
  const toml::table* table = node.as_table();
  if (!table)
    throw_job_error(where_line(name.source()) + ": " + std::string(name.str()) +
                    ": expected a table, got " + describe_type(node.type()));
  for (auto&& [key, value] : *table) {
    if (contains(allowed.keys, key.str())) continue;
    throw_job_error(where_line(key.source()) + ": unknown key " + allowed.name + "." +
                    std::string(key.str()) + " (allowed: " + join(allowed.keys) + ")");
  }
}

}  // namespace pvenc::config
