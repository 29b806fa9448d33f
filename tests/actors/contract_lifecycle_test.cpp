// The contract lifecycle: refusals that store nothing, cancel and end date
// deprovisioning in reverse order, and dates that survive a restart.
#define CAF_SUITE contract_lifecycle
#include "actors/contract_storage.hpp"
#include "tests/actors/engine_fixture.hpp"

using namespace onset;
using namespace onset::actors;
using namespace onset::test;

namespace {

using words = std::vector<std::string>;

const char* backup = R"({"data_backup":{}})";
const char* started = "2026-11-01T00:00:00Z";

} // namespace

CAF_TEST_FIXTURE_SCOPE(contract_lifecycle_tests, engine_fixture)

CAF_TEST(a stale version is refused and changes nothing) {
  enroll("MFP-1");
  CAF_REQUIRE(submit(make("C-1", 2, backup, R"(["MFP-1"])", started)));
  auto before = history("C-1").size();
  for (uint64_t version : {1u, 2u}) {
    auto stale = submit(make("C-1", version, R"({"failure_prediction":{}})",
                             R"(["MFP-1"])", started));
    CAF_REQUIRE(!stale);
    CAF_CHECK(is(stale.error(), error_code::stale_version));
    CAF_CHECK(sys.render(stale.error()).find("is stale") != std::string::npos);
  }
  CAF_CHECK_EQUAL(history("C-1").size(), before);
  CAF_CHECK_EQUAL(view("C-1").summary.version, 2u);
}

CAF_TEST(a foreign or unknown printer is refused and nothing is stored) {
  enroll("MFP-1");
  device_record foreign{
    device_id{"MFP-9"}, customer_id{"globex"}, "X", fw("3.0.0"), {}};
  CAF_REQUIRE(ask<atom::ok>(devices, atom::enroll_v,
                            std::vector<device_record>{foreign}));
  auto refused = submit(make("C-2", 1, backup, R"(["MFP-1","MFP-9"])"));
  CAF_REQUIRE(!refused);
  CAF_CHECK(is(refused.error(), error_code::foreign_device));
  auto text = sys.render(refused.error());
  CAF_CHECK(text.find("devices[1]") != std::string::npos);
  CAF_CHECK(text.find("MFP-9") != std::string::npos);
  auto unknown = submit(make("C-2", 1, backup, R"(["MFP-404"])"));
  CAF_REQUIRE(!unknown);
  CAF_CHECK(is(unknown.error(), error_code::unknown_device));
  auto all = ask<std::vector<contract_summary>>(contracts, atom::list_v);
  CAF_REQUIRE(all);
  CAF_CHECK(all->empty());
  CAF_CHECK(!ask<contract_view>(contracts, atom::get_v, contract_id{"C-2"}));
}

CAF_TEST(a duplicate submission event changes nothing) {
  enroll("MFP-1");
  auto doc = make("C-3", 1, backup);
  doc.event_id = "billing-7";
  auto first = submit(doc);
  CAF_REQUIRE(first);
  CAF_CHECK(!first->duplicate);
  auto before = history("C-3").size();
  auto again = submit(doc);
  CAF_REQUIRE(again);
  CAF_CHECK(again->duplicate);
  CAF_CHECK_EQUAL(history("C-3").size(), before);
}

CAF_TEST(cancel deprovisions in reverse order and ends the contract) {
  enroll("MFP-1");
  CAF_REQUIRE(submit(make("C-4", 1, backup, R"(["MFP-1"])", started)));
  CAF_REQUIRE_EQUAL(state_of("C-4"), contract_state::active);
  auto provisioned = sent("C-4").size();
  CAF_REQUIRE(ask<atom::ok>(contracts, atom::cancel_v, contract_id{"C-4"}));
  CAF_CHECK_EQUAL(state_of("C-4"), contract_state::ended);
  auto all = sent("C-4");
  CAF_CHECK_EQUAL(words(all.begin() + provisioned, all.end()),
                  (words{"deactivate@service/data_backup",
                         "settings_off@device/MFP-1",
                         "apps_remove@device/MFP-1"}));
  auto printer = device("MFP-1").state;
  CAF_CHECK(printer.apps.empty());
  CAF_CHECK(printer.values.empty());
  CAF_MESSAGE("firmware is never downgraded");
  CAF_CHECK_EQUAL(printer.firmware, fw("3.2.1"));
  auto server = service("data_backup", "MFP-1");
  CAF_REQUIRE(server);
  CAF_CHECK(!server->state.active);
  check_effects_once();
  CAF_MESSAGE("an ended contract renewed for a new period provisions again");
  auto renewal = submit(make("C-4", 2, backup, R"(["MFP-1"])", started));
  CAF_REQUIRE(renewal);
  CAF_CHECK(renewal->renewal);
  CAF_CHECK_EQUAL(state_of("C-4"), contract_state::active);
  CAF_CHECK_EQUAL(view("C-4").summary.version, 2u);
  CAF_CHECK(!device("MFP-1").state.apps.empty());
  CAF_MESSAGE("and a stale version of it is still refused");
  auto stale = submit(make("C-4", 1, backup, R"(["MFP-1"])", started));
  CAF_REQUIRE(!stale);
  CAF_CHECK(is(stale.error(), error_code::stale_version));
}

CAF_TEST(the end date deprovisions the contract) {
  enroll("MFP-1");
  CAF_REQUIRE(submit(
    make("C-5", 1, backup, R"(["MFP-1"])", started, "2026-11-30T00:00:10Z")));
  CAF_REQUIRE_EQUAL(state_of("C-5"), contract_state::active);
  pass(std::chrono::seconds{12});
  CAF_CHECK_EQUAL(state_of("C-5"), contract_state::ended);
  CAF_CHECK(device("MFP-1").state.apps.empty());
}

CAF_TEST(a start date survives a restart and a past one starts at once) {
  enroll("MFP-1");
  enroll("MFP-2");
  CAF_REQUIRE(submit(make("C-6", 1, backup, R"(["MFP-1"])")));
  CAF_REQUIRE(
    submit(make("C-7", 1, backup, R"(["MFP-2"])", "2026-11-30T00:00:05Z")));
  CAF_MESSAGE("the node restarts before either start date");
  start_contracts();
  CAF_CHECK_EQUAL(state_of("C-6"), contract_state::scheduled);
  pass(std::chrono::seconds{6});
  CAF_CHECK_EQUAL(state_of("C-7"), contract_state::active);
  CAF_CHECK_EQUAL(state_of("C-6"), contract_state::scheduled);
  CAF_MESSAGE("the node is down when C-6's start date passes");
  stop(contracts);
  run();
  now = *utc_time::parse_rfc3339("2026-12-02T00:00:00Z");
  start_contracts();
  CAF_CHECK_EQUAL(state_of("C-6"), contract_state::active);
}

CAF_TEST(a renewal whose end date is past leaves no timer behind) {
  enroll("MFP-1");
  CAF_REQUIRE(submit(make("C-8", 1, backup, R"(["MFP-1"])", started)));
  CAF_REQUIRE_EQUAL(state_of("C-8"), contract_state::active);
  CAF_REQUIRE(submit(
    make("C-8", 2, backup, R"(["MFP-1"])", started, "2026-11-29T00:00:00Z")));
  CAF_CHECK_EQUAL(state_of("C-8"), contract_state::ended);
  auto next = actors::contract_storage::next_timer(*env);
  CAF_REQUIRE(next);
  if (next.value())
    CAF_MESSAGE("a timer is left: " << next.value()->at.to_rfc3339());
  CAF_CHECK(!next.value());
}

CAF_TEST(a timer of an ended contract is removed when it fires) {
  enroll("MFP-1");
  CAF_REQUIRE(submit(make("C-9", 1, backup, R"(["MFP-1"])", started)));
  CAF_REQUIRE(ask<atom::ok>(contracts, atom::cancel_v, contract_id{"C-9"}));
  CAF_REQUIRE_EQUAL(state_of("C-9"), contract_state::ended);
  CAF_MESSAGE("a timer left by an older version of onset");
  auto stale = due_timer{now, contract_id{"C-9"}, timer_kind::end};
  contract_change change;
  change.add_timers.push_back(stale);
  CAF_REQUIRE(ask<atom::ok>(
    store, atom::write_v,
    actors::contract_storage::batch(contract_id{"C-9"}, std::move(change))));
  pass(std::chrono::seconds{2});
  auto next = actors::contract_storage::next_timer(*env);
  CAF_REQUIRE(next);
  CAF_CHECK(!next.value());
}

CAF_TEST_FIXTURE_SCOPE_END()
