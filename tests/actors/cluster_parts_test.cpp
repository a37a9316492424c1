// The parts of clustering that need no network: the challenge-response proofs, transfers
// checked by size and checksum, and which worker fits which segment.
#include <doctest/doctest.h>

#include "actors/cluster_auth.hpp"
#include "actors/transfer.hpp"
#include "actors/worker_count.hpp"
#include "actors/worker_fit.hpp"

using namespace pvenc::actors;

TEST_CASE("proofs depend on the secret, both nonces and the role") {
  std::string a = random_hex(nonce_bytes), b = random_hex(nonce_bytes);
  CHECK(a.size() == 2 * nonce_bytes);
  CHECK(a != b);
  std::string proof = node_proof("secret one", a, b, "alpha");
  CHECK(same_digest(proof, node_proof("secret one", a, b, "alpha")));
  CHECK_FALSE(same_digest(proof, node_proof("secret two", a, b, "alpha")));
  CHECK_FALSE(same_digest(proof, node_proof("secret one", b, a, "alpha")));
  CHECK_FALSE(same_digest(proof, node_proof("secret one", a, b, "beta")));
  CHECK_FALSE(same_digest(proof, coordinator_proof("secret one", b, a)));
  CHECK_FALSE(same_digest(proof, proof.substr(1)));
  // RFC 4231 test case 2: HMAC-SHA256 of "what do ya want for nothing?" under "Jefe".
  CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("a transfer arrives whole or is refused") {
  pvenc::codecs::media_packet packet;
  packet.pts = 42;
  packet.data.assign(3 * 1024 * 1024 + 17, 'x');  // several chunks
  std::vector<char> bytes = to_bytes(packet);
  transfer_header header = header_of(7, bytes);

  transfer_inbox inbox;
  for (std::size_t at = 0; at < bytes.size(); at += 1 << 20)
    inbox.add(7, std::vector<char>(bytes.begin() + at,
                                   bytes.begin() + std::min(bytes.size(), at + (1 << 20))));
  std::vector<char> received;
  REQUIRE(inbox.take(header, received) == "");
  pvenc::codecs::media_packet back;
  REQUIRE(from_bytes(received, back));
  CHECK(back.pts == 42);
  CHECK(back.data == packet.data);

  std::vector<char> flipped = bytes;
  flipped[bytes.size() / 2] ^= 1;
  inbox.add(8, flipped);
  CHECK(inbox.take(transfer_header{8, header.size, header.sha256}, received) ==
        "transfer 8: checksum mismatch");
  inbox.add(9, std::vector<char>(bytes.begin(), bytes.end() - 1));
  CHECK(inbox.take(transfer_header{9, header.size, header.sha256}, received).find("received") !=
        std::string::npos);
  CHECK(inbox.take(transfer_header{10, 5, header.sha256}, received) ==
        "transfer 10: received 0 of 5 bytes");
  CHECK_FALSE(from_bytes(std::vector<char>(bytes.begin(), bytes.begin() + 20), back));
}

TEST_CASE("a worker gets only segments within its capabilities") {
  segment_spec spec;
  spec.source_bytes = 100 << 20;
  segment_need need = need_of(spec, "h265", 1920, 1080);
  CHECK(need.memory == 3 * (std::int64_t{100} << 20) + worker_memory_estimate(1920, 1080));

  worker_capabilities caps;
  caps.codecs = {"h264", "h265"};
  caps.workers = 2;
  CHECK(unfit_reason(caps, need) == "");
  caps.codecs = {"h264"};
  CHECK(unfit_reason(caps, need) == "no h265 encoder");
  caps.codecs = {"h265"};
  caps.max_width = 1280;
  caps.max_height = 720;
  CHECK(unfit_reason(caps, need) == "frames larger than 1280x720");
  caps.max_width = caps.max_height = 0;
  caps.memory_limit = std::int64_t{1} << 30;  // 512 MiB per worker; the need is ~860 MiB
  CHECK(unfit_reason(caps, need).find("a worker may use 512 MiB") != std::string::npos);
  caps.workers = 1;
  CHECK(unfit_reason(caps, need) == "");
}
