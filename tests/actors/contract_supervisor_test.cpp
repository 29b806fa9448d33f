// The CONTRACT SUPERVISOR runs exactly one CONTRACT actor per contract, even
// when a due date fires between the write of a new contract and the STORE's
// answer (seen in the five-node cluster test: two actors for one contract
// fought over its outbox until the contract was degraded).
#define CAF_SUITE contract_supervisor
#include "tests/actors/receiver_fixture.hpp"

#include "actors/contract_supervisor.hpp"
#include "messages/contract_json.hpp"

using namespace onset;
using namespace onset::actors;
using namespace onset::test;

namespace {

struct supervisor_fixture : receiver_fixture {
  utc_time now = *utc_time::parse_rfc3339("2026-11-30T00:00:00Z");
  /// How far the wall clock is into the second `now`.
  actors::engine_config::duration into{0};
  actors::engine_config config;
  actors::contract_supervisor_actor contracts;

  supervisor_fixture() {
    auto ctx = std::make_shared<actors::contract_context>();
    ctx->cat = cat;
    ctx->env = env.get();
    ctx->store = store;
    ctx->devices = devices;
    ctx->services = services;
    ctx->config = config;
    ctx->now = [this] { return now; };
    ctx->into_second = [this] { return into; };
    contracts = sys.spawn(actors::contract_supervisor_behavior,
                          std::shared_ptr<const contract_context>{ctx},
                          devices);
    // Runs messages only: the supervisor's date timer re-arms forever.
    sched.run();
  }

  ~supervisor_fixture() override {
    stop(contracts);
    sched.run();
  }

  /// Registers MFP-1 for acme (sched.run(), never run(): the supervisor's
  /// date timer re-arms forever, so run() would never return).
  void enroll_printer() {
    device_record printer{
      device_id{"MFP-1"}, customer_id{"acme"}, "MFP-C3000", fw("2.4.0"), {}};
    self->send(devices, atom::enroll_v, std::vector<device_record>{printer});
    sched.run();
    self->receive([](atom::ok) {});
  }

  /// Contract C-1 of acme for MFP-1, from `start` to 2027-11-01.
  contract contract_starting(const std::string& start) {
    auto doc = parse_contract(
      R"({"id":"C-1","version":1,"customer":"acme","start":")" + start
        + R"(","end":"2027-11-01T00:00:00Z","devices":["MFP-1"],)"
        + R"("services":{"data_backup":{}}})",
      *cat);
    CAF_REQUIRE(doc);
    return doc.value();
  }

  /// The CONTRACT actors the supervisor spawned and that still run.
  size_t contract_actors() {
    using impl = actors::contract_supervisor_actor::stateful_base<
      actors::contract_supervisor_state>;
    auto* ptr
      = dynamic_cast<impl*>(caf::actor_cast<caf::abstract_actor*>(contracts));
    CAF_REQUIRE(ptr != nullptr);
    return ptr->state.by_address.size();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(contract_supervisor_tests, supervisor_fixture)

CAF_TEST(a due date during the write of a new contract spawns one actor) {
  enroll_printer();
  auto doc = contract_starting("2026-11-01T00:00:00Z");
  self->send(contracts, atom::submit_v, doc, requester{});
  expect((atom::submit, contract, requester), from(self).to(contracts));
  expect((atom::records, std::vector<device_id>), from(contracts).to(devices));
  expect((std::vector<device_record>), from(devices).to(contracts));
  CAF_MESSAGE("the supervisor asked the STORE to write C-1 and its dates; "
              "its date timer fires before the STORE answers");
  CAF_REQUIRE_EQUAL(contract_actors(), 0u);
  sched.clock().advance_time(config.timer_poll);
  sched.run();
  CAF_CHECK_EQUAL(contract_actors(), 1u);
  self->receive([](submit_result&) {});
}

CAF_TEST(a start date fires at the start of its second) {
  using std::chrono::milliseconds;
  enroll_printer();
  auto doc = contract_starting("2026-11-30T00:00:01Z");
  self->send(contracts, atom::submit_v, doc, requester{});
  sched.run();
  self->receive([](submit_result&) {});
  auto state = [this] {
    self->send(contracts, atom::get_v, contract_id{"C-1"});
    sched.run();
    auto result = contract_state::ended;
    self->receive([&](contract_view& x) { result = x.summary.state; });
    return result;
  };
  CAF_MESSAGE("the poll finds the start one second ahead, 400 ms into the "
              "current second: the next check is 600 ms away, not 1 s");
  into = milliseconds{400};
  sched.clock().advance_time(config.timer_poll);
  sched.run();
  CAF_CHECK_EQUAL(state(), contract_state::scheduled);
  now.seconds += 1;
  into = milliseconds{0};
  sched.clock().advance_time(milliseconds{599});
  sched.run();
  CAF_CHECK_EQUAL(state(), contract_state::scheduled);
  sched.clock().advance_time(milliseconds{1});
  sched.run();
  CAF_CHECK_NOT_EQUAL(state(), contract_state::scheduled);
}

CAF_TEST_FIXTURE_SCOPE_END()
