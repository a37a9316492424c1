#include "config/cluster.hpp"

#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace pvenc::config {

std::optional<endpoint> parse_endpoint(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  std::string_view port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);  // [::1]
  else if (host.find(':') != std::string_view::npos)
    return std::nullopt;  // an IPv6 address needs brackets
  int value = -1;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value < 0 ||
      value > 65535)
    return std::nullopt;
  return endpoint{std::string(host), value};
}

std::string read_secret_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot read the cluster secret file");
  std::ostringstream text;
  text << in.rdbuf();
  std::string secret = text.str();
  while (!secret.empty() && std::isspace(static_cast<unsigned char>(secret.back())))
    secret.pop_back();
  if (secret.size() < min_secret_bytes)
    throw std::runtime_error(path + ": the cluster secret must be at least " +
                             std::to_string(min_secret_bytes) +
                             " bytes (e.g. openssl rand -hex 32 > " + path + ")");
  return secret;
}

std::optional<std::int64_t> parse_byte_size(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t scale = 1;
  switch (std::tolower(static_cast<unsigned char>(text.back()))) {
    case 'k':
      scale = std::int64_t{1} << 10;
      break;
    case 'm':
      scale = std::int64_t{1} << 20;
      break;
    case 'g':
      scale = std::int64_t{1} << 30;
      break;
    default:
      break;
  }
  if (scale > 1) text.remove_suffix(1);
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0 ||
      value > (std::int64_t{1} << 50) / scale)
    return std::nullopt;
  return value * scale;
}

}  // namespace pvenc::config
