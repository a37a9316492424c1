// What clustering needs from the edge: "host:port" endpoints and the cluster secret file. Shared
// by the job file's [cluster] section and the `pvenc-node worker` command line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pvenc::config {

struct endpoint {
  std::string host;  // may be empty in a listen address: every interface
  int port = 0;      // 0..65535; 0 (listen only): any free port
};

// "host:port", "[::1]:7400", ":7400"; nullopt when malformed or the port is out of range.
std::optional<endpoint> parse_endpoint(std::string_view text);

// The secret held in `path`: its content without trailing whitespace (so "echo ... > key"
// works). Throws std::runtime_error("<path>: <reason>") when unreadable or shorter than
// min_secret_bytes. The secret itself never appears in a message.
constexpr std::size_t min_secret_bytes = 16;
std::string read_secret_file(const std::string& path);

// "8G", "512M", "1048576": a byte count with an optional k/M/G suffix (powers of 1024);
// nullopt when malformed.
std::optional<std::int64_t> parse_byte_size(std::string_view text);

}  // namespace pvenc::config
