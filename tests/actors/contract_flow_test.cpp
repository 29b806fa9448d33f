// Flow control: the node's step budget bounds the steps of all
// its CONTRACT actors in flight, a waiting contract goes on when a permit
// frees up, and a CONTRACT actor that dies gives back what it held.
#define CAF_SUITE contract_flow
#include "tests/actors/engine_fixture.hpp"
#include "tests/actors/flight_probe.hpp"

using namespace onset;
using namespace onset::actors;
using namespace onset::test;

namespace {

const char* backup = R"({"data_backup":{}})";
const char* started = "2026-11-01T00:00:00Z";

/// The engine with FLIGHT PROBEs in front of both receivers and a budget
/// of `limit` steps (0: none).
struct flow_fixture : engine_fixture {
  std::shared_ptr<flight_log> log = std::make_shared<flight_log>();

  ~flow_fixture() override {
    stop(contracts);
    run();
    log->senders.clear();
    stop(contract_devices);
    stop(contract_services);
    run();
  }

  void start_with_budget(size_t limit) {
    contract_devices = sys.spawn(device_probe, devices, log);
    contract_services = sys.spawn(service_probe, services, log);
    config.max_steps_in_flight = limit;
    start_contracts();
  }

  /// Submits every contract before the system runs, so that they all
  /// provision at the same time.
  void submit_together(const std::vector<contract>& docs) {
    for (auto& doc : docs)
      self->send(contracts, atom::submit_v, doc, requester{});
    run();
  }

  /// A budget of one; C-1's printer MFP-1 is offline, so C-1's step holds
  /// the permit while C-2 (on MFP-2) waits for it. Both are submitted.
  void c1_holds_the_only_permit() {
    start_with_budget(1);
    enroll("MFP-1");
    enroll("MFP-2");
    set_online("MFP-1", false);
    submit_together({make("C-1", 1, backup, R"(["MFP-1"])", started),
                     make("C-2", 1, backup, R"(["MFP-2"])", started)});
  }

  /// Contracts C-1..C-n of two printers each (MFP-1..MFP-2n), enrolled.
  std::vector<contract> contracts_of_two_printers(int n) {
    std::vector<contract> docs;
    for (int i = 1; i <= n; ++i) {
      auto a = "MFP-" + std::to_string(2 * i - 1);
      auto b = "MFP-" + std::to_string(2 * i);
      enroll(a);
      enroll(b);
      docs.push_back(make("C-" + std::to_string(i), 1, backup,
                          R"([")" + a + R"(",")" + b + R"("])", started));
    }
    return docs;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(contract_flow_tests, flow_fixture)

CAF_TEST(without a budget four contracts have more than three steps in flight) {
  // The control for the next test: the same load does exceed 3 at once.
  start_with_budget(0);
  submit_together(contracts_of_two_printers(4));
  CAF_CHECK_GREATER(log->peak, 3u);
  for (int i = 1; i <= 4; ++i)
    CAF_CHECK_EQUAL(state_of("C-" + std::to_string(i)), contract_state::active);
  check_effects_once();
}

CAF_TEST(a budget of three keeps four contracts to three steps in flight) {
  start_with_budget(3);
  submit_together(contracts_of_two_printers(4));
  CAF_CHECK_LESS_OR_EQUAL(log->peak, 3u);
  CAF_CHECK_EQUAL(log->peak, 3u);
  for (int i = 1; i <= 4; ++i)
    CAF_CHECK_EQUAL(state_of("C-" + std::to_string(i)), contract_state::active);
  auto budget = ctx->budget->snapshot();
  CAF_CHECK_EQUAL(budget.in_use, 0u);
  CAF_CHECK_EQUAL(budget.waiting, 0u);
  CAF_CHECK_EQUAL(budget.peak_in_use, 3u);
  CAF_CHECK_GREATER(budget.waits, 0u);
  check_effects_once();
}

CAF_TEST(a waiting contract sends when the permit it waits for is released) {
  c1_holds_the_only_permit();
  CAF_MESSAGE("MFP-1 holds C-1's step, and with it the only permit");
  auto held = ctx->budget->snapshot();
  CAF_CHECK_EQUAL(held.in_use, 1u);
  CAF_CHECK_EQUAL(held.waiting, 1u);
  CAF_CHECK_EQUAL(log->in_flight, 1u);
  CAF_CHECK_EQUAL(state_of("C-2"), contract_state::provisioning);
  auto mfp2 = device_stream("C-2", "MFP-2");
  auto before = watermark(mfp2);
  CAF_CHECK_LESS(before, 3u);
  CAF_MESSAGE("MFP-1 is back: its ack frees the permit, C-2 goes on");
  set_online("MFP-1", true);
  run();
  CAF_CHECK_EQUAL(state_of("C-1"), contract_state::active);
  CAF_CHECK_EQUAL(state_of("C-2"), contract_state::active);
  CAF_CHECK_EQUAL(watermark(mfp2), 3u);
  CAF_CHECK_EQUAL(ctx->budget->snapshot().in_use, 0u);
  check_effects_once();
}

CAF_TEST(a contract killed while it holds a permit gives it back) {
  c1_holds_the_only_permit();
  CAF_REQUIRE_EQUAL(ctx->budget->snapshot().waiting, 1u);
  auto mfp2 = device_stream("C-2", "MFP-2");
  CAF_REQUIRE_EQUAL(watermark(mfp2), 0u);
  auto victim = log->senders[contract_id{"C-1"}];
  CAF_REQUIRE(victim != nullptr);
  CAF_REQUIRE_EQUAL(ctx->budget->held_by(victim.id()), 1u);
  CAF_MESSAGE("C-1's actor dies with its step held at the offline MFP-1");
  caf::anon_send_exit(victim, caf::exit_reason::kill);
  run();
  CAF_CHECK_EQUAL(ctx->budget->held_by(victim.id()), 0u);
  CAF_MESSAGE("its permit went to C-2, which sent its next step; then the "
              "restarted C-1 had its turn and holds the permit at MFP-1");
  CAF_CHECK_EQUAL(watermark(mfp2), 1u);
  auto restarted = log->senders[contract_id{"C-1"}];
  CAF_REQUIRE(restarted != nullptr);
  CAF_CHECK_NOT_EQUAL(restarted.id(), victim.id());
  CAF_CHECK_EQUAL(ctx->budget->held_by(restarted.id()), 1u);
  CAF_CHECK_EQUAL(ctx->budget->snapshot().in_use, 1u);
  CAF_CHECK_EQUAL(state_of("C-1"), contract_state::provisioning);
  CAF_MESSAGE("the restarted C-1 resends once MFP-1 is back");
  set_online("MFP-1", true);
  pass(std::chrono::seconds{8});
  CAF_CHECK_EQUAL(state_of("C-1"), contract_state::active);
  CAF_CHECK_EQUAL(state_of("C-2"), contract_state::active);
  CAF_CHECK_EQUAL(ctx->budget->snapshot().in_use, 0u);
  check_effects_once();
}

CAF_TEST_FIXTURE_SCOPE_END()
