// The digests pvenc uses (OpenSSL's libcrypto): checksums of stored segments and of transfers
// between nodes, and the HMAC of the cluster's challenge-response.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pvenc::actors {

// SHA-256 of `data`, lowercase hex.
std::string sha256_hex(std::string_view data);

// HMAC-SHA256 of `message` under `key`, lowercase hex.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// `bytes` bytes from the operating system's random generator, lowercase hex. Throws
// std::runtime_error if none are available.
std::string random_hex(std::size_t bytes);

// Compares two digests in time independent of where they differ.
bool same_digest(std::string_view a, std::string_view b);

}  // namespace pvenc::actors
