#include <doctest/doctest.h>

#include <atomic>
#include <memory>

#include "actors/encoder_worker.hpp"
#include "tests/actors/actor_util.hpp"
#include "tests/codecs/media_util.hpp"

using namespace pvenc;
using actors::encode_atom;
using actors::progress_atom;
using actors::segment_outcome;

namespace {

codecs::segment_source clip_source() {
  codecs::segment_source src = test::whole_source(test::demux_video(test::h264_clip(2, 25)));
  src.segment_id = 7;
  return src;
}

}  // namespace

TEST_CASE("encoder_worker encodes a segment and reports progress") {
  test::actor_env env;
  auto cancel = std::make_shared<std::atomic<bool>>(false);
  {
    caf::scoped_actor self{env.system};
    caf::actor observer = caf::actor_cast<caf::actor>(self);
    caf::actor worker =
        env.track(actors::spawn_encoder_worker(env.system, "local/3", observer, cancel));
    caf::message source = caf::make_message(clip_source());

    SUBCASE("success") {
      auto out = test::ask<segment_outcome>(self, worker, encode_atom::value, source,
                                            test::fast_settings(), 1,
                                            static_cast<int>(actors::fault_drill::none));
      REQUIRE(out);
      CHECK(out->ok);
      CHECK(out->error.empty());
      CHECK(out->segment_id == 7);
      CHECK(out->attempt == 1);
      CHECK(out->worker == "local/3");
      CHECK(out->encode_s > 0);
      CHECK(out->video.frames == 50);
      CHECK(out->video.packets.size() == 50);
      CHECK(out->video.encoder == "libx264");
      CHECK(test::decode_all(out->video.params, out->video.packets).frames == 50);

      // The final progress report (sent before the reply) carries the whole frame count.
      std::int64_t last = -1;
      bool done = false;
      self->receive_while([&] { return !done; })(
          [&](progress_atom, const std::string& name, int segment, int attempt, std::int64_t frames,
              std::int64_t taken) {
            CHECK(taken == -1);  // this worker has no segment_end: its encodes cannot be cut
            CHECK(name == "local/3");
            CHECK(segment == 7);
            CHECK(attempt == 1);
            last = frames;
            done = frames == 50;
          },
          caf::after(test::reply_timeout) >> [&] { done = true; });
      CHECK(last == 50);
    }
    SUBCASE("injected failure") {
      auto out = test::ask<segment_outcome>(self, worker, encode_atom::value, source,
                                            test::fast_settings(), 2,
                                            static_cast<int>(actors::fault_drill::fail));
      REQUIRE(out);
      CHECK_FALSE(out->ok);
      CHECK(out->attempt == 2);
      CHECK(out->segment_id == 7);
      CHECK(out->error.find("injected") != std::string::npos);
      CHECK(out->video.packets.empty());
    }
    SUBCASE("cancelled") {
      cancel->store(true);
      auto out = test::ask<segment_outcome>(self, worker, encode_atom::value, source,
                                            test::fast_settings(), 1,
                                            static_cast<int>(actors::fault_drill::none));
      REQUIRE(out);
      CHECK_FALSE(out->ok);
      CHECK(out->error.find("cancelled") != std::string::npos);
    }
    SUBCASE("a request without a segment source") {
      auto out = test::ask<segment_outcome>(self, worker, encode_atom::value, caf::make_message(42),
                                            test::fast_settings(), 1,
                                            static_cast<int>(actors::fault_drill::none));
      REQUIRE(out);
      CHECK_FALSE(out->ok);
      CHECK(out->error.find("segment source") != std::string::npos);
    }
    SUBCASE("the worker serves one request after another") {
      for (int attempt = 1; attempt <= 2; ++attempt) {
        auto out = test::ask<segment_outcome>(self, worker, encode_atom::value, source,
                                              test::fast_settings("h264", 20 + attempt), attempt,
                                              static_cast<int>(actors::fault_drill::none));
        REQUIRE(out);
        CHECK(out->ok);
        CHECK(out->attempt == attempt);
      }
    }
    test::shut_down(self, worker);
  }
}
