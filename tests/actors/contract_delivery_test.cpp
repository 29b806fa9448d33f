// Delivery (docs/design.md) seen from a contract: duplicates, lost
// acks, a crashed CONTRACT actor, offline printers, deadlines and retry.
#define CAF_SUITE contract_delivery
#include "tests/actors/engine_fixture.hpp"

#include <caf/local_actor.hpp>

#include "actors/contract_actor.hpp"
#include "actors/contract_storage.hpp"
#include "tests/support/log_capture.hpp"

#include "persistence/keys.hpp"
#include "tests/support/refusal.hpp"
#include "tests/support/streams.hpp"

using namespace onset;
using namespace onset::actors;
using namespace onset::test;

namespace {

const char* backup = R"({"data_backup":{}})";
const char* started = "2026-11-01T00:00:00Z";

} // namespace

CAF_TEST_FIXTURE_SCOPE(contract_delivery_tests, engine_fixture)

CAF_TEST(a duplicate delivery is re acknowledged and applied once) {
  enroll("MFP-1");
  CAF_REQUIRE(submit(make("C-1", 1, backup, R"(["MFP-1"])", started)));
  CAF_REQUIRE_EQUAL(state_of("C-1"), contract_state::active);
  auto stream = device_stream("C-1", "MFP-1");
  instruction first;
  for (auto& s : view("C-1").steps)
    if (s.step.stream == stream && s.step.seq == 1)
      first = s.step;
  CAF_REQUIRE_EQUAL(first.seq, 1u);
  size_t acked_by_contract = 0;
  for (auto& s : view("C-1").steps)
    if (s.step.stream == stream && s.acked)
      ++acked_by_contract;
  CAF_REQUIRE_GREATER(acked_by_contract, 1u);
  CAF_MESSAGE("seq 1 again: re-acked with every step the contract saw acked");
  auto ack = ask<instruction_ack>(devices, atom::apply_v, first);
  CAF_REQUIRE(ack);
  CAF_CHECK_EQUAL(ack->seq, acked_by_contract);
  CAF_CHECK_EQUAL(executed(stream, 1), 1u);
  check_effects_once();
}

CAF_TEST(a contract killed before it records an ack resends and finishes) {
  enroll("MFP-1");
  self->send(contracts, atom::submit_v,
             make("C-2", 1, backup, R"(["MFP-1"])", started), requester{});
  auto stream = device_stream("C-2", "MFP-1");
  CAF_MESSAGE("step until the printer has committed its first step");
  auto victim = step_until_committed(stream, 1);
  CAF_REQUIRE(victim != nullptr);
  CAF_MESSAGE("the printer committed seq 1; the contract has not recorded it");
  auto stored = actors::contract_storage::load(*env, contract_id{"C-2"});
  CAF_REQUIRE(stored && *stored);
  for (auto& s : (*stored)->streams)
    if (s.stream == stream)
      CAF_CHECK_EQUAL(s.acked, 0u);
  CAF_MESSAGE("the CONTRACT actor dies with the ack on its way");
  captured_log log;
  caf::anon_send_exit(victim, caf::exit_reason::kill);
  run();
  CAF_MESSAGE("its supervisor restarted it; it resent, the printer re-acked");
  pass(std::chrono::seconds{2});
  CAF_CHECK(log.contains(
    "step.duplicate device=MFP-1 stream=" + stream.to_string() + " seq=1"));
  CAF_CHECK_EQUAL(state_of("C-2"), contract_state::active);
  CAF_CHECK_EQUAL(executed(stream, 1), 1u);
  check_effects_once();
}

CAF_TEST(an offline printer holds its steps and catches up in order) {
  enroll("MFP-1");
  set_online("MFP-1", false);
  CAF_REQUIRE(submit(make("C-3", 1, backup, R"(["MFP-1"])", started)));
  auto stream = device_stream("C-3", "MFP-1");
  pass(std::chrono::seconds{12});
  CAF_CHECK_EQUAL(state_of("C-3"), contract_state::provisioning);
  CAF_CHECK_EQUAL(watermark(stream), 0u);
  CAF_MESSAGE("the printer comes back");
  set_online("MFP-1", true);
  pass(std::chrono::seconds{2});
  CAF_CHECK_EQUAL(state_of("C-3"), contract_state::active);
  CAF_CHECK_EQUAL(watermark(stream), 3u);
  for (uint64_t seq = 1; seq <= 3; ++seq)
    CAF_CHECK_EQUAL(effects(stream, seq), 1u);
  check_effects_once();
}

CAF_TEST(a step past its deadline degrades the contract and retry resumes) {
  enroll("MFP-1");
  set_online("MFP-1", false);
  CAF_REQUIRE(submit(make("C-4", 1, backup, R"(["MFP-1"])", started)));
  pass(std::chrono::seconds{70});
  auto degraded = view("C-4").summary;
  CAF_CHECK_EQUAL(degraded.state, contract_state::degraded);
  CAF_CHECK(degraded.reason.find("not acknowledged within")
            != std::string::npos);
  CAF_CHECK(degraded.reason.find("kind=firmware") != std::string::npos);
  CAF_MESSAGE("degraded: nothing more is sent");
  auto sends = sent("C-4").size();
  pass(std::chrono::seconds{5});
  CAF_CHECK_EQUAL(sent("C-4").size(), sends);
  CAF_MESSAGE("the printer is back and the operator retries");
  set_online("MFP-1", true);
  CAF_REQUIRE(
    ask<atom::ok>(contracts, atom::retry_v, contract_id{"C-4"}, requester{}));
  pass(std::chrono::seconds{2});
  auto resumed = view("C-4").summary;
  CAF_CHECK_EQUAL(resumed.state, contract_state::active);
  CAF_CHECK_EQUAL(resumed.reason, "");
  check_effects_once();
}

CAF_TEST_FIXTURE_SCOPE_END()

// A receiver whose watermark went backwards (its store restored from an
// older copy, or writes lost under a relaxed sync mode) is sent again, from
// the outbox, what it lost, in order; the history says so.

namespace resync_detail {

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

  /// Contract `id` on printer MFP-1, provisioned, cancelled and ended;
  /// returns its printer stream, whose receiver acked its removals.
  stream_id ended_contract(const std::string& id) {
    enroll("MFP-1");
    CAF_REQUIRE(
      submit(make(id, 1, R"({"data_backup":{}})", R"(["MFP-1"])", started)));
    CAF_REQUIRE(
      ask<atom::ok>(contracts, atom::cancel_v, contract_id{id}, requester{}));
    pass(std::chrono::seconds{5});
    CAF_REQUIRE_EQUAL(state_of(id), contract_state::ended);
    auto s = device_stream(id, "MFP-1");
    CAF_REQUIRE_GREATER(watermark(s), 1u);
    return s;
  }

  /// Whether a line of contract `id`'s history mentions `text`.
  bool history_mentions(const std::string& id, const std::string& text) {
    for (auto& h : history(id))
      if (h.detail.find(text) != std::string::npos)
        return true;
    return false;
  }
};

} // namespace resync_detail

CAF_TEST_FIXTURE_SCOPE(stream_resync_tests, resync_detail::fixture)

using namespace resync_detail;

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
  CAF_CHECK(history_mentions("C-1", "resync"));
}

CAF_TEST(a printer behind its acks with nothing pending is resynced when its
           node comes back) {
  enroll("MFP-1");
  CAF_REQUIRE(
    submit(make("C-2", 1, R"({"data_backup":{}})", R"(["MFP-1"])", started)));
  CAF_REQUIRE_EQUAL(state_of("C-2"), contract_state::active);
  auto s = device_stream("C-2", "MFP-1");
  auto acked = watermark(s);
  CAF_REQUIRE_GREATER(acked, 1u);
  CAF_MESSAGE("the printer's node comes back on an older copy of its store; "
              "the contract rests, nothing pending would meet the gap");
  set_watermark(s, 1);
  self->send(contracts, atom::resend_v);
  run();
  pass(std::chrono::seconds{5});
  CAF_CHECK_EQUAL(watermark(s), acked);
  CAF_CHECK_EQUAL(state_of("C-2"), contract_state::active);
  CAF_CHECK(history_mentions("C-2", "resync"));
}

CAF_TEST(a printer behind the acks of an ended contract is resynced when its
           node comes back) {
  auto s = ended_contract("C-3");
  auto acked = watermark(s);
  CAF_MESSAGE("the printer's node comes back on a copy from before the "
              "removals; no CONTRACT actor runs for an ended contract");
  set_watermark(s, 1);
  self->send(contracts, atom::resend_v);
  run();
  pass(std::chrono::seconds{5});
  CAF_CHECK_EQUAL(watermark(s), acked);
  CAF_CHECK_EQUAL(state_of("C-3"), contract_state::ended);
}

CAF_TEST(the resync of an ended contract outlasts a printer off line) {
  auto s = ended_contract("C-4");
  auto acked = watermark(s);
  CAF_MESSAGE("the node comes back on an older copy, with the printer off "
              "line: the lost removals fail for now");
  set_watermark(s, 1);
  set_online("MFP-1", false);
  self->send(contracts, atom::resend_v);
  run();
  pass(std::chrono::seconds{30}); // past the request timeout
  CAF_REQUIRE_EQUAL(watermark(s), 1u);
  CAF_MESSAGE("the printer comes back on line later");
  set_online("MFP-1", true);
  pass(std::chrono::seconds{30});
  CAF_CHECK_EQUAL(watermark(s), acked);
  CAF_CHECK_EQUAL(state_of("C-4"), contract_state::ended);
}

CAF_TEST_FIXTURE_SCOPE_END()
