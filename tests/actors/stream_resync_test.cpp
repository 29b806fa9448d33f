// A receiver whose watermark went backwards (its store restored from an
// older copy, or writes lost under a relaxed sync mode) is sent again, from
// the outbox, what it lost, in order; the history says so.
#define CAF_SUITE stream_resync
#include "persistence/keys.hpp"
#include "tests/actors/engine_fixture.hpp"
#include "tests/support/refusal.hpp"
#include "tests/support/streams.hpp"

using namespace onset;
using namespace onset::actors;
using namespace onset::test;

namespace {

const char* started = "2026-11-01T00:00:00Z";

struct fixture : engine_fixture {
  /// Puts the receiver's watermark of `stream` back to `seq`, as a restore
  /// of its store from an older copy would.
  void set_watermark(const stream_id& stream, uint64_t seq) {
    std::string key{'W'};
    persistence::keys::put_stream(key, stream);
    auto txn = env->begin_write();
    CAF_REQUIRE(static_cast<bool>(txn.put(persistence::db::ledger, key,
                                          persistence::keys::be64_value(seq))));
    CAF_REQUIRE(static_cast<bool>(txn.commit()));
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(stream_resync_tests, fixture)

CAF_TEST(a printer behind its acks is sent what it lost again) {
  enroll("MFP-1");
  CAF_REQUIRE(
    submit(make("C-1", 1, R"({"data_backup":{}})", R"(["MFP-1"])", started)));
  CAF_REQUIRE_EQUAL(state_of("C-1"), contract_state::active);
  auto s = device_stream("C-1", "MFP-1");
  auto acked = watermark(s);
  CAF_REQUIRE_GREATER(acked, 1u);
  CAF_MESSAGE("the printer's store goes back to seq 1");
  set_watermark(s, 1);
  CAF_MESSAGE("a renewal sends the next step, which meets the gap");
  CAF_REQUIRE(
    submit(make("C-1", 2, R"({"data_backup":{},"failure_prediction":{}})",
                R"(["MFP-1"])", started)));
  pass(std::chrono::seconds{10});
  CAF_CHECK_EQUAL(state_of("C-1"), contract_state::active);
  CAF_CHECK_EQUAL(watermark(s), acked + 1);
  bool noted = false;
  for (auto& h : history("C-1"))
    noted = noted || h.detail.find("resync") != std::string::npos;
  CAF_CHECK(noted);
}

CAF_TEST_FIXTURE_SCOPE_END()
