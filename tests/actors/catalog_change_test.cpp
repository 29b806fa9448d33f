// A catalog that changed across a restart: a service some contracts name
// is gone. The node starts, those contracts are degraded with a reason
// naming the service, and nothing is deprovisioned because of it.
#define CAF_SUITE catalog_change
#include "tests/actors/engine_fixture.hpp"
#include "tests/support/refusal.hpp"

using namespace onset;
using namespace onset::actors;
using namespace onset::test;

namespace {

const char* started = "2026-11-01T00:00:00Z";

struct catalog_change_fixture : engine_fixture {
  /// Restarts the contract side with the catalog less `service`.
  void restart_without(const std::string& service) {
    auto changed = std::make_shared<catalog>(*cat);
    changed->services.erase(service_id{service});
    contract_cat = changed;
    start_contracts();
  }

  std::string refusal_text(const caf::error& err) {
    return sys.render(err);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(catalog_change_tests, catalog_change_fixture)

CAF_TEST(a service gone from the catalog degrades its contracts only) {
  enroll("MFP-1");
  enroll("MFP-2");
  CAF_REQUIRE(
    submit(make("C-1", 1, R"({"data_backup":{},"failure_prediction":{}})",
                R"(["MFP-1"])", started)));
  CAF_REQUIRE(
    submit(make("C-2", 1, R"({"data_backup":{}})", R"(["MFP-2"])", started)));
  CAF_REQUIRE_EQUAL(state_of("C-1"), contract_state::active);
  auto sent_before = sent("C-1").size();
  auto apps_before = device("MFP-1").state.apps;
  CAF_MESSAGE("the node restarts with failure_prediction removed");
  restart_without("failure_prediction");
  auto c1 = view("C-1").summary;
  CAF_CHECK_EQUAL(c1.state, contract_state::degraded);
  check_contains(c1.reason, "failure_prediction");
  CAF_CHECK_EQUAL(state_of("C-2"), contract_state::active);
  CAF_MESSAGE("nothing was undone: no desired state is not an empty one");
  CAF_CHECK_EQUAL(sent("C-1").size(), sent_before);
  CAF_CHECK_EQUAL(device("MFP-1").state.apps, apps_before);
  CAF_MESSAGE("plan and retry say why");
  auto plan = ask<std::vector<instruction>>(contracts, atom::plan_v,
                                            contract_id{"C-1"});
  CAF_REQUIRE(!plan);
  check_contains(refusal_text(plan.error()), "failure_prediction");
  auto retried = ask<atom::ok>(contracts, atom::retry_v, contract_id{"C-1"});
  CAF_REQUIRE(!retried);
  CAF_CHECK(is(retried.error(), error_code::unknown_service));
  CAF_CHECK_EQUAL(state_of("C-1"), contract_state::degraded);
  CAF_MESSAGE("a renewal without the service provisions again");
  CAF_REQUIRE(
    submit(make("C-1", 2, R"({"data_backup":{}})", R"(["MFP-1"])", started)));
  CAF_CHECK_EQUAL(state_of("C-1"), contract_state::active);
}

CAF_TEST(a contract naming a removed service can be cancelled) {
  enroll("MFP-1");
  CAF_REQUIRE(
    submit(make("C-3", 1, R"({"data_backup":{},"failure_prediction":{}})",
                R"(["MFP-1"])", started)));
  CAF_REQUIRE_EQUAL(state_of("C-3"), contract_state::active);
  restart_without("failure_prediction");
  CAF_REQUIRE_EQUAL(state_of("C-3"), contract_state::degraded);
  CAF_REQUIRE(ask<atom::ok>(contracts, atom::cancel_v, contract_id{"C-3"}));
  CAF_CHECK_EQUAL(state_of("C-3"), contract_state::ended);
  CAF_CHECK(device("MFP-1").state.apps.empty());
}

CAF_TEST(a catalog that asks more of a service reaches its active contracts) {
  enroll("MFP-1");
  CAF_REQUIRE(
    submit(make("C-4", 1, R"({"data_backup":{}})", R"(["MFP-1"])", started)));
  CAF_REQUIRE_EQUAL(state_of("C-4"), contract_state::active);
  auto sent_before = sent("C-4").size();
  CAF_MESSAGE("the node restarts with data_backup wanting one more setting");
  auto changed = std::make_shared<catalog>(*cat);
  changed->services.at(service_id{"data_backup"})
    .device.values.emplace("backup.encrypt", setting_value::of_flag(true));
  contract_cat = changed;
  start_contracts();
  CAF_CHECK_EQUAL(state_of("C-4"), contract_state::active);
  CAF_CHECK_EQUAL(sent("C-4").size(), sent_before + 1);
  CAF_CHECK_EQUAL(device("MFP-1").state.values.count("backup.encrypt"), 1u);
  bool noted = false;
  for (auto& h : history("C-4"))
    noted = noted || h.detail.find("catalog change") != std::string::npos;
  CAF_CHECK(noted);
  CAF_MESSAGE("a restart with the same catalog sends nothing");
  start_contracts();
  CAF_CHECK_EQUAL(sent("C-4").size(), sent_before + 1);
}

CAF_TEST_FIXTURE_SCOPE_END()
