#include "actors/transfer.hpp"

#include <algorithm>
#include <string_view>

#include "actors/crypto.hpp"
#include "actors/protocol.hpp"

namespace pvenc::actors {

transfer_header header_of(std::uint64_t id, const std::vector<char>& bytes) {
  return {id, bytes.size(), sha256_hex(std::string_view(bytes.data(), bytes.size()))};
}

void send_chunks(caf::event_based_actor* self, const caf::actor& to, std::uint64_t id,
                 const std::vector<char>& bytes) {
  for (std::size_t at = 0; at < bytes.size(); at += transfer_chunk_bytes) {
    auto end = std::min(bytes.size(), at + transfer_chunk_bytes);
    self->send(to, chunk_atom::value, id,
               std::vector<char>(bytes.begin() + at, bytes.begin() + end));
  }
}

void transfer_inbox::add(std::uint64_t id, const std::vector<char>& chunk) {
  auto& buffer = partial_[id];
  buffer.insert(buffer.end(), chunk.begin(), chunk.end());
}

std::string transfer_inbox::take(const transfer_header& header, std::vector<char>& bytes) {
  auto it = partial_.find(header.id);
  bytes = it == partial_.end() ? std::vector<char>{} : std::move(it->second);
  if (it != partial_.end()) partial_.erase(it);
  if (bytes.size() != header.size)
    return "transfer " + std::to_string(header.id) + ": received " + std::to_string(bytes.size()) +
           " of " + std::to_string(header.size) + " bytes";
  if (!same_digest(sha256_hex(std::string_view(bytes.data(), bytes.size())), header.sha256))
    return "transfer " + std::to_string(header.id) + ": checksum mismatch";
  return "";
}

}  // namespace pvenc::actors
