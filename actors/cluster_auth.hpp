// The cluster's challenge-response: each side proves it holds the shared secret by an HMAC over
// both sides' fresh nonces, so neither the secret nor a reusable answer crosses the network.
// The labels keep a coordinator's proof from being replayed as a node's.
#pragma once

#include <string>
#include <string_view>

#include "actors/crypto.hpp"

namespace pvenc::actors {

inline std::string coordinator_proof(std::string_view secret, std::string_view client_nonce,
                                     std::string_view server_nonce) {
  return hmac_sha256_hex(
      secret, "pvenc-coordinator\n" + std::string(client_nonce) + "\n" + std::string(server_nonce));
}

inline std::string node_proof(std::string_view secret, std::string_view server_nonce,
                              std::string_view client_nonce, std::string_view node) {
  return hmac_sha256_hex(secret, "pvenc-node\n" + std::string(server_nonce) + "\n" +
                                     std::string(client_nonce) + "\n" + std::string(node));
}

// The gatekeeper's answer to a node that joins after the job ended (not a refusal).
constexpr const char* job_over_verdict = "the job is over";

// Bytes of randomness in each nonce.
constexpr std::size_t nonce_bytes = 32;

}  // namespace pvenc::actors
