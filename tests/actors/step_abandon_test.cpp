// A step a printer refused is abandoned: recorded as such (history, outbox),
// its seq skipped at the receiver, so that nothing waits for it. Cancel and
// the end date of a degraded contract always complete, undoing only what
// was applied; retry and renewal plan again from what was applied.
#define CAF_SUITE step_abandon
#include <memory>

#include "tests/actors/engine_fixture.hpp"
#include "tests/actors/gated_store.hpp"
#include "tests/support/refusal.hpp"
#include "tests/support/streams.hpp"

using namespace onset;
using namespace onset::actors;
using namespace onset::test;

namespace {

const char* backup = R"({"data_backup":{}})";
const char* started = "2026-11-01T00:00:00Z";

/// Which steps the stand-in refuses: `kind` to `device` while `active`.
struct refuse_rule {
  bool active = true;
  step_kind kind = step_kind::apps_install;
  device_id device{"MFP-1"};
  size_t refused = 0;
};

/// Stands in front of the DEVICE SUPERVISOR and refuses as `rule` says, as
/// a printer does whose model cannot take an application.
actors::device_actor::behavior_type
refusing_devices(actors::device_actor::pointer self, actors::device_actor inner,
                 std::shared_ptr<refuse_rule> rule) {
  return {
    [self, inner, rule](atom::apply,
                        instruction& x) -> caf::result<instruction_ack> {
      if (rule->active && x.kind == rule->kind && x.device == rule->device) {
        ++rule->refused;
        return refusal(error_code::refused, "model cannot take this step");
      }
      return self->delegate(inner, atom::apply_v, std::move(x));
    },
    [self, inner](atom::get, device_id& id) {
      return self->delegate(inner, atom::get_v, std::move(id));
    },
    [self, inner](atom::online, device_id& id, bool on) {
      return self->delegate(inner, atom::online_v, std::move(id), on);
    },
  };
}

struct fixture : engine_fixture {
  std::shared_ptr<refuse_rule> rule = std::make_shared<refuse_rule>();
  /// The contract side's STORE: open (commits at once) unless a test
  /// closes it.
  std::shared_ptr<gate> g = std::make_shared<gate>();

  fixture() {
    g->env = env.get();
    contract_store = sys.spawn(gated_store, g);
    contract_devices = sys.spawn(refusing_devices, devices, rule);
    start_contracts();
  }

  ~fixture() override {
    drain(*g, contract_store, [this] { run(); });
    stop(contracts);
    run();
    stop(contract_devices);
    stop(contract_store);
    run();
  }

  size_t count(const std::string& id, history_kind kind) {
    size_t n = 0;
    for (auto& h : history(id))
      n += h.kind == kind ? 1 : 0;
    return n;
  }

  bool cancel(const std::string& id) {
    return static_cast<bool>(
      ask<atom::ok>(contracts, atom::cancel_v, contract_id{id}));
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(step_abandon_tests, fixture)

CAF_TEST(a refused step is abandoned and cancel then ends the contract) {
  enroll("MFP-1");
  CAF_REQUIRE(submit(make("C-1", 1, backup, R"(["MFP-1"])", started)));
  CAF_REQUIRE_EQUAL(state_of("C-1"), contract_state::degraded);
  CAF_CHECK_EQUAL(rule->refused, 1u);
  CAF_CHECK_EQUAL(count("C-1", history_kind::abandoned), 1u);
  check_contains(view("C-1").summary.reason, "refused");
  CAF_MESSAGE("the printer's stream went past the refused seq");
  CAF_CHECK_EQUAL(watermark(device_stream("C-1", "MFP-1")), 2u);
  CAF_MESSAGE("cancel: deprovisioning undoes only what was applied");
  CAF_REQUIRE(cancel("C-1"));
  pass(std::chrono::seconds{3});
  CAF_CHECK_EQUAL(state_of("C-1"), contract_state::ended);
  CAF_CHECK(device("MFP-1").state.apps.empty());
  for (auto& word : sent("C-1"))
    CAF_CHECK_NOT_EQUAL(word, "apps_remove@device/MFP-1");
  check_effects_once();
}

CAF_TEST(retry after the cause is fixed plans the abandoned step again) {
  enroll("MFP-1");
  CAF_REQUIRE(submit(make("C-2", 1, backup, R"(["MFP-1"])", started)));
  CAF_REQUIRE_EQUAL(state_of("C-2"), contract_state::degraded);
  rule->active = false;
  CAF_REQUIRE(ask<atom::ok>(contracts, atom::retry_v, contract_id{"C-2"}));
  pass(std::chrono::seconds{3});
  CAF_CHECK_EQUAL(state_of("C-2"), contract_state::active);
  CAF_CHECK(!device("MFP-1").state.apps.empty());
}

CAF_TEST(a renewal after a refusal is not blocked by the refused seq) {
  enroll("MFP-1");
  CAF_REQUIRE(submit(make("C-3", 1, backup, R"(["MFP-1"])", started)));
  CAF_REQUIRE_EQUAL(state_of("C-3"), contract_state::degraded);
  CAF_MESSAGE("the renewal drops the service whose application the "
              "printer refuses (still refused)");
  CAF_REQUIRE(submit(
    make("C-3", 2, R"({"failure_prediction":{}})", R"(["MFP-1"])", started)));
  pass(std::chrono::seconds{3});
  CAF_CHECK_EQUAL(state_of("C-3"), contract_state::active);
}

CAF_TEST(cancel of a contract degraded by an offline printer ends it) {
  enroll("MFP-1");
  rule->active = false;
  set_online("MFP-1", false);
  CAF_REQUIRE(submit(make("C-4", 1, backup, R"(["MFP-1"])", started)));
  pass(std::chrono::seconds{65});
  CAF_REQUIRE_EQUAL(state_of("C-4"), contract_state::degraded);
  CAF_REQUIRE(cancel("C-4"));
  CAF_CHECK_EQUAL(state_of("C-4"), contract_state::deprovisioning);
  set_online("MFP-1", true);
  pass(std::chrono::seconds{10});
  CAF_CHECK_EQUAL(state_of("C-4"), contract_state::ended);
  CAF_CHECK(device("MFP-1").state.apps.empty());
  check_effects_once();
}

CAF_TEST(an answer to a request sent before a retry does not degrade again) {
  enroll("MFP-1");
  enroll("MFP-2");
  set_online("MFP-2", false);
  CAF_REQUIRE(submit(make("C-5", 1, backup, R"(["MFP-1","MFP-2"])", started)));
  CAF_REQUIRE_EQUAL(state_of("C-5"), contract_state::degraded);
  CAF_MESSAGE("MFP-2's step is in flight (held offline); retry, its commit "
              "held, while that old request times out");
  rule->active = false;
  g->open = false;
  self->send(contracts, atom::retry_v, contract_id{"C-5"});
  run();
  pass(std::chrono::seconds{6});
  drain(*g, contract_store, [this] { run(); });
  pass(std::chrono::seconds{2});
  CAF_CHECK_EQUAL(state_of("C-5"), contract_state::provisioning);
  set_online("MFP-2", true);
  pass(std::chrono::seconds{5});
  CAF_CHECK_EQUAL(state_of("C-5"), contract_state::active);
}

CAF_TEST_FIXTURE_SCOPE_END()
