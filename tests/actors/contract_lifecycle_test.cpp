// The contract lifecycle: refusals that store nothing, cancel and end date
// deprovisioning in reverse order, and dates that survive a restart.
#define CAF_SUITE contract_lifecycle
#include "actors/contract_storage.hpp"
#include "tests/actors/engine_fixture.hpp"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "actors/gateway.hpp"
#include "config/catalog_loader.hpp"
#include "tests/support/refusal.hpp"
#include "tests/support/shipped_catalog.hpp"

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
  CAF_REQUIRE(
    ask<atom::ok>(contracts, atom::cancel_v, contract_id{"C-4"}, requester{}));
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
  CAF_REQUIRE(
    ask<atom::ok>(contracts, atom::cancel_v, contract_id{"C-9"}, requester{}));
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

// A catalog that changed across a restart: a service some contracts name
// is gone. The node starts, those contracts are degraded with a reason
// naming the service, and nothing is deprovisioned because of it.

namespace catalog_detail {

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

  /// The shipped catalog's JSON text, changed by `edit`.
  template <class Edit>
  std::string shipped_text_with(Edit edit) {
    std::ifstream in{source_path("config/catalog.json")};
    std::ostringstream text;
    text << in.rdbuf();
    auto doc = nlohmann::json::parse(text.str());
    edit(doc);
    return doc.dump();
  }

  /// `onset plan ID --catalog FILE`, as the CLI sends it.
  caf::expected<std::vector<instruction>>
  plan_against(const std::string& id, const std::string& catalog_text) {
    return ask<std::vector<instruction>>(contracts, atom::plan_v,
                                         contract_id{id}, catalog_text);
  }

  /// `kind@target`, as `sent` shows a step.
  static std::vector<std::string> words_of(const std::vector<instruction>& xs) {
    std::vector<std::string> result;
    for (auto& x : xs)
      result.push_back(std::string{to_string(x.kind)} + "@"
                       + x.stream.to.to_string());
    return result;
  }
};

} // namespace catalog_detail

CAF_TEST_FIXTURE_SCOPE(catalog_change_tests,
                       catalog_detail::catalog_change_fixture)

using namespace catalog_detail;

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
  auto retried = ask<atom::ok>(contracts, atom::retry_v, contract_id{"C-1"},
                               requester{});
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
  CAF_REQUIRE(
    ask<atom::ok>(contracts, atom::cancel_v, contract_id{"C-3"}, requester{}));
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

CAF_TEST(plan against a new catalog shows the delta a restart then sends) {
  enroll("MFP-1");
  CAF_REQUIRE(
    submit(make("C-5", 1, R"({"data_backup":{}})", R"(["MFP-1"])", started)));
  CAF_REQUIRE_EQUAL(state_of("C-5"), contract_state::active);
  auto text = shipped_text_with([](nlohmann::json& doc) {
    auto& device = doc["services"]["data_backup"]["device"];
    device["min_firmware"] = "4.0.0";
    device["install_firmware"] = "4.1.0";
    device["settings"]["backup.encrypt"] = true;
  });
  auto before = view("C-5");
  auto history_before = history("C-5").size();
  auto sent_before = sent("C-5").size();
  CAF_MESSAGE("the plan against the new catalog: firmware, then the setting");
  auto planned = plan_against("C-5", text);
  CAF_REQUIRE(planned);
  auto delta = words_of(*planned);
  CAF_CHECK_EQUAL(delta,
                  (words{"firmware@device/MFP-1", "settings@device/MFP-1"}));
  CAF_MESSAGE("the query changed nothing");
  auto after = view("C-5");
  CAF_CHECK_EQUAL(after.summary.state, contract_state::active);
  CAF_CHECK_EQUAL(after.summary.steps_total, before.summary.steps_total);
  CAF_CHECK_EQUAL(after.steps.size(), before.steps.size());
  CAF_CHECK_EQUAL(history("C-5").size(), history_before);
  CAF_CHECK_EQUAL(device("MFP-1").state.firmware, fw("3.2.1"));
  auto now_plan = ask<std::vector<instruction>>(contracts, atom::plan_v,
                                                contract_id{"C-5"});
  CAF_REQUIRE(now_plan);
  CAF_CHECK(now_plan->empty());
  CAF_MESSAGE("the node restarts with that catalog and sends exactly that");
  auto changed = config::parse_catalog(text);
  CAF_REQUIRE(changed);
  contract_cat = std::make_shared<catalog>(changed.value());
  start_contracts();
  CAF_CHECK_EQUAL(state_of("C-5"), contract_state::active);
  auto all_sent = sent("C-5");
  CAF_REQUIRE_GREATER_OR_EQUAL(all_sent.size(), sent_before);
  CAF_CHECK_EQUAL(words(all_sent.begin() + sent_before, all_sent.end()), delta);
  CAF_CHECK_EQUAL(device("MFP-1").state.firmware, fw("4.1.0"));
  auto again = plan_against("C-5", text);
  CAF_REQUIRE(again);
  CAF_CHECK(again->empty());
}

CAF_TEST(plan against a catalog refuses a bad one or a missing service) {
  enroll("MFP-1");
  CAF_REQUIRE(
    submit(make("C-6", 1, R"({"data_backup":{}})", R"(["MFP-1"])", started)));
  CAF_REQUIRE_EQUAL(state_of("C-6"), contract_state::active);
  auto history_before = history("C-6").size();
  CAF_MESSAGE("a malformed catalog: refused naming its field");
  auto bad = plan_against(
    "C-6", shipped_text_with([](nlohmann::json& doc) {
      doc["services"]["data_backup"]["device"]["min_firmware"] = "four";
    }));
  CAF_REQUIRE(!bad);
  CAF_CHECK(is(bad.error(), error_code::invalid_input));
  check_contains(refusal_text(bad.error()),
                 "catalog: services.data_backup.device.min_firmware");
  for (auto junk : {"", "{", "[1,2]", "{\"format\":1,\"services\":7}"}) {
    auto refused = plan_against("C-6", junk);
    CAF_REQUIRE(!refused);
    CAF_CHECK(is(refused.error(), error_code::invalid_input));
  }
  CAF_MESSAGE("a catalog without the contract's service: as a restart would "
              "degrade it, the plan refuses naming the service");
  auto missing = plan_against("C-6", shipped_text_with([](nlohmann::json& doc) {
                                doc["services"].erase("data_backup");
                              }));
  CAF_REQUIRE(!missing);
  CAF_CHECK(is(missing.error(), error_code::unknown_service));
  check_contains(refusal_text(missing.error()), "services.data_backup");
  CAF_MESSAGE("an unknown contract");
  auto unknown = plan_against("C-404", shipped_text_with([](auto&) {}));
  CAF_REQUIRE(!unknown);
  CAF_CHECK(is(unknown.error(), error_code::unknown_contract));
  CAF_CHECK_EQUAL(state_of("C-6"), contract_state::active);
  CAF_CHECK_EQUAL(history("C-6").size(), history_before);
}

CAF_TEST_FIXTURE_SCOPE_END()

// The GATEWAY checks what arrives over the wire again: documents built by a
// client of its own (not by onset's JSON reader) with ids that cannot be
// stored are refused, naming the field, and nothing is stored.

namespace gateway_detail {

struct gateway_fixture : engine_fixture {
  gateway_actor gateway;

  gateway_fixture() {
    gateway_routes routes{contracts, devices, services, {}};
    gateway = sys.spawn(gateway_behavior, routes,
                        std::shared_ptr<const catalog>{cat},
                        std::chrono::seconds{5});
    run();
  }

  ~gateway_fixture() override {
    stop(gateway);
    run();
  }

  caf::expected<std::vector<submit_result>> submit_one(contract doc) {
    return ask<std::vector<submit_result>>(
      gateway, atom::submit_v, std::vector<contract>{doc}, requester{});
  }

  std::string refused_text(const caf::error& err) {
    CAF_CHECK(is(err, error_code::invalid_input));
    return sys.render(err);
  }
};

} // namespace gateway_detail

CAF_TEST_FIXTURE_SCOPE(gateway_tests, gateway_detail::gateway_fixture)

using namespace gateway_detail;

CAF_TEST(a contract id too long for a key is refused and nothing stored) {
  enroll("MFP-1");
  auto doc = make("C-1", 1, backup);
  doc.id = contract_id{std::string(490, 'C')};
  auto refused = submit_one(doc);
  CAF_REQUIRE(!refused);
  check_contains(refused_text(refused.error()), "id: is 490 bytes long");
  auto all = ask<std::vector<contract_summary>>(contracts, atom::list_v);
  CAF_REQUIRE(all);
  CAF_CHECK(all->empty());
}

CAF_TEST(printer customer and event ids are checked too) {
  enroll("MFP-1");
  auto doc = make("C-2", 1, backup);
  doc.devices.push_back(device_id{std::string(200, 'D')});
  check_contains(refused_text(submit_one(doc).error()), "devices[1]: is 200");
  doc = make("C-2", 1, backup);
  doc.customer = customer_id{"ac\x01me"};
  check_contains(refused_text(submit_one(doc).error()),
                 "customer: holds a control character");
  doc = make("C-2", 1, backup);
  doc.event_id = "\xff\xfe";
  check_contains(refused_text(submit_one(doc).error()),
                 "event_id: is not valid UTF-8");
  auto started = ask<atom::ok>(gateway, atom::start_v, contract_id{"C-2"},
                               std::string(300, 'E'), requester{});
  CAF_REQUIRE(!started);
  check_contains(refused_text(started.error()), "event_id: is 300 bytes long");
  auto cancelled = ask<atom::ok>(
    gateway, atom::cancel_v, contract_id{std::string(600, 'C')}, requester{});
  CAF_REQUIRE(!cancelled);
  check_contains(refused_text(cancelled.error()), "id: is 600 bytes long");
}

CAF_TEST(every change names its requester in the history) {
  enroll("MFP-1");
  auto doc = make("C-7", 1, backup, R"(["MFP-1"])", "2030-01-01T00:00:00Z",
                  "2031-01-01T00:00:00Z");
  CAF_REQUIRE(ask<std::vector<submit_result>>(gateway, atom::submit_v,
                                              std::vector<contract>{doc},
                                              requester{"billing-7"}));
  CAF_REQUIRE(ask<atom::ok>(gateway, atom::start_v, contract_id{"C-7"},
                            std::string{"ev-1"}, requester{"billing-7"}));
  CAF_REQUIRE(ask<atom::ok>(gateway, atom::cancel_v, contract_id{"C-7"},
                            requester{"ops.night"}));
  auto lines = history("C-7");
  auto line = [&](history_kind kind, const std::string& part) {
    for (auto& h : lines)
      if (h.kind == kind && h.detail.find(part) != std::string::npos)
        return h.detail;
    CAF_FAIL("no " << to_string(kind) << " line with " << part);
    return std::string{};
  };
  check_contains(line(history_kind::accepted, "new"), "by=billing-7");
  check_contains(line(history_kind::accepted, "start event"), "by=billing-7");
  check_contains(line(history_kind::transition, "scheduled->provisioning"),
                 "by=billing-7");
  check_contains(line(history_kind::transition, "reason=cancelled"),
                 "by=ops.night");
  for (auto& h : lines)
    if (h.kind == history_kind::sent || h.kind == history_kind::acked)
      CAF_CHECK_EQUAL(h.detail.find("by="), std::string::npos);
}

CAF_TEST(a requester that is not a name is refused and nothing changes) {
  enroll("MFP-1");
  auto refused = ask<std::vector<submit_result>>(
    gateway, atom::submit_v, std::vector<contract>{make("C-8", 1, backup)},
    requester{"a b"});
  CAF_REQUIRE(!refused);
  check_contains(refused_text(refused.error()), "requester: a name is");
  auto all = ask<std::vector<contract_summary>>(contracts, atom::list_v);
  CAF_REQUIRE(all);
  CAF_CHECK(all->empty());
  auto cancelled = ask<atom::ok>(gateway, atom::cancel_v, contract_id{"C-8"},
                                 requester{std::string(65, 'x')});
  CAF_REQUIRE(!cancelled);
  check_contains(refused_text(cancelled.error()), "requester: a name has");
}

CAF_TEST(a catalog too large to plan against is refused before routing) {
  auto text = std::string(max_catalog_text + 1, ' ');
  auto refused = ask<std::vector<instruction>>(gateway, atom::plan_v,
                                               contract_id{"C-1"}, text);
  CAF_REQUIRE(!refused);
  check_contains(refused_text(refused.error()),
                 "catalog: is " + std::to_string(text.size()) + " bytes long");
}

CAF_TEST(a printer id too long for a key is not enrolled) {
  device_record long_one{device_id{std::string(600, 'M')},
                         customer_id{"acme"},
                         "X",
                         fw("3.0.0"),
                         {}};
  auto refused = ask<atom::ok>(gateway, atom::enroll_v,
                               std::vector<device_record>{long_one});
  CAF_REQUIRE(!refused);
  check_contains(refused_text(refused.error()), "[0].id: is 600 bytes long");
  auto all = ask<std::vector<device_record>>(devices, atom::list_v);
  CAF_REQUIRE(all);
  CAF_CHECK(all->empty());
}

CAF_TEST_FIXTURE_SCOPE_END()
