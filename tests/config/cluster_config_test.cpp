// The [cluster] section and the helpers the worker command shares with it: endpoints, the
// secret file, byte sizes.
#include "config/cluster.hpp"

#include <doctest/doctest.h>
#include "tests/config/job_test_util.hpp"

using namespace pvenc::config::test;
using pvenc::config::parse_byte_size;
using pvenc::config::parse_endpoint;
using pvenc::config::read_secret_file;

TEST_CASE("endpoints") {
  auto e = parse_endpoint("coordinator.example:7400");
  REQUIRE(e);
  CHECK(e->host == "coordinator.example");
  CHECK(e->port == 7400);
  CHECK(parse_endpoint("[::1]:80")->host == "::1");
  CHECK(parse_endpoint(":0")->host.empty());
  CHECK_FALSE(parse_endpoint("host"));
  CHECK_FALSE(parse_endpoint("host:"));
  CHECK_FALSE(parse_endpoint("host:65536"));
  CHECK_FALSE(parse_endpoint("host:-1"));
  CHECK_FALSE(parse_endpoint("host:74x"));
  CHECK_FALSE(parse_endpoint("::1:80"));
}

TEST_CASE("byte sizes") {
  CHECK(parse_byte_size("1024") == 1024);
  CHECK(parse_byte_size("8G") == std::int64_t{8} << 30);
  CHECK(parse_byte_size("512m") == std::int64_t{512} << 20);
  CHECK_FALSE(parse_byte_size("G"));
  CHECK_FALSE(parse_byte_size("1.5G"));
  CHECK_FALSE(parse_byte_size("-1"));
  CHECK_FALSE(parse_byte_size(""));
}

TEST_CASE("secret files: trailing newline dropped, short or missing ones refused") {
  temp_dir dir;
  CHECK(read_secret_file(dir.write("key", "0123456789abcdef0123\n")) == "0123456789abcdef0123");
  CHECK_THROWS_WITH_AS(read_secret_file(dir.write("short", "abc\n")),
                       doctest::Contains("at least 16 bytes"), std::runtime_error);
  CHECK_THROWS_AS(read_secret_file(dir.file("missing")), std::runtime_error);
}

TEST_CASE("[cluster] section") {
  job_fixture f;
  std::string key = f.dir().write("cluster.key", "a secret of enough length\n");
  job j = f.parse("[cluster]\nlisten = '0.0.0.0:7400'\nsecret_file = '" + key +
                  "'\nheartbeat = 0.5\nlocal_workers = 0\nwait_for_workers = 30");
  CHECK(j.cluster.listen == "0.0.0.0:7400");
  CHECK(j.cluster.secret == "a secret of enough length");
  CHECK(j.cluster.heartbeat == 0.5);
  CHECK(j.cluster.wait_for_workers == 30.0);
  CHECK(j.workers.count == 0);
  CHECK(f.parse("[workers]\ncount = 0\n[cluster]\nlisten = ':7400'\nsecret_file = '" + key + "'")
            .workers.count == 0);
  CHECK(f.parse("").cluster.listen.empty());

  CHECK(has(error_of(f.text("[cluster]\nlisten = '7400'\nsecret_file = '" + key + "'")),
            "job.toml:2: cluster.listen = \"7400\": expected \"HOST:PORT\""));
  CHECK(has(error_of(f.text("[cluster]\nlisten = ':7400'")),
            "cluster.listen needs cluster.secret_file"));
  std::string missing = f.dir().file("nope.key");
  std::string error =
      error_of(f.text("[cluster]\nlisten = ':7400'\nsecret_file = '" + missing + "'"));
  CHECK(has(error, "job.toml:3: cluster.secret_file: " + missing));
  CHECK(has(error_of(f.text("[cluster]\nlocal_workers = 0")),
            "cluster.local_workers = 0: 0 local workers needs cluster.listen"));
  CHECK(has(error_of(f.text("[cluster]\nheartbeat = 0")), "cluster.heartbeat = 0"));
}
