// Moving a payload between nodes in small messages: a value is serialized (CAF's binary
// format), sent as (chunk_atom, id, bytes) messages of at most transfer_chunk_bytes, and
// checked against its transfer_header (size and SHA-256) before it is deserialized. Messages
// between two actors arrive in the order they were sent, so the chunks precede the request or
// reply that carries the header.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/protocol.hpp"  // the inspect() overloads to_bytes needs

namespace pvenc::actors {

// Serializes `value`. Throws std::runtime_error if CAF cannot.
template <class T>
std::vector<char> to_bytes(T value) {
  std::vector<char> bytes;
  caf::binary_serializer sink{nullptr, bytes};
  if (auto err = sink(value)) throw std::runtime_error("cannot serialize a transfer");
  return bytes;
}

// False when `bytes` is not exactly one serialized T.
template <class T>
bool from_bytes(const std::vector<char>& bytes, T& value) {
  caf::binary_deserializer source{nullptr, bytes.data(), bytes.size()};
  return !source(value) && source.remaining() == 0;
}

// The header that describes `bytes` as transfer `id`.
transfer_header header_of(std::uint64_t id, const std::vector<char>& bytes);

// Sends `bytes` to `to` as chunk messages of transfer `id`.
void send_chunks(caf::event_based_actor* self, const caf::actor& to, std::uint64_t id,
                 const std::vector<char>& bytes);

// Collects the chunks of transfers in progress, by id.
class transfer_inbox {
 public:
  void add(std::uint64_t id, const std::vector<char>& chunk);

  // Takes transfer `header.id` out of the inbox. Returns "" and fills `bytes` when the size and
  // checksum match the header, else says what is wrong (and drops what was received).
  std::string take(const transfer_header& header, std::vector<char>& bytes);

  void drop(std::uint64_t id) { partial_.erase(id); }

 private:
  std::map<std::uint64_t, std::vector<char>> partial_;
};

}  // namespace pvenc::actors
