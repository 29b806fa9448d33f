#define CAF_SUITE plan
#include <caf/test/unit_test.hpp>

#include "actors/plan.hpp"
#include "messages/contract_json.hpp"
#include "tests/support/shipped_catalog.hpp"

using namespace onset;
using namespace onset::actors;

namespace {

struct fixture {
  std::map<device_id, device_record> registry;
  contract_id id{"C-1"};

  fixture() {
    add("MFP-1", "2.4.0", {});
    add("MFP-2", "3.10.0", {"backup-agent"});
  }

  void add(const char* id, const char* firmware,
           std::vector<std::string> apps) {
    device_record x{device_id{id}, customer_id{"acme"}, "model",
                    *firmware_version::parse(firmware), std::move(apps)};
    registry.emplace(x.id, x);
  }

  desired_state want(const std::string& services,
                     const std::string& devices = R"(["MFP-1"])") {
    auto text = R"({"id":"C-1","version":1,"customer":"acme",
                    "start":"2026-12-01T00:00:00Z",
                    "end":"2027-12-01T00:00:00Z","devices":)"
                + devices + R"(,"services":)" + services + "}";
    auto doc = parse_contract(text, test::shipped_catalog());
    CAF_REQUIRE(doc);
    auto result = compute_desired_state(
      doc.value(), test::shipped_catalog(),
      [this](const device_id& x) -> const device_record* {
        auto i = registry.find(x);
        return i == registry.end() ? nullptr : &i->second;
      });
    CAF_REQUIRE(result);
    return result.value();
  }

  applied_ledger fresh_ledger(std::vector<const char*> devices) {
    applied_ledger result;
    for (auto d : devices)
      result.devices.emplace(device_id{d},
                             actors::initial_ledger(registry.at(device_id{d})));
    return result;
  }

  /// Applies every remaining step to `ledger` and returns the steps.
  std::vector<instruction> run(const desired_state& w, applied_ledger& ledger) {
    auto steps = actors::remaining_steps(id, 1, w, ledger);
    for (auto& x : steps)
      actors::record_applied(ledger, x);
    return steps;
  }

  static std::string describe(const std::vector<instruction>& steps) {
    std::string result;
    for (auto& x : steps) {
      if (!result.empty())
        result += ' ';
      result += x.device.str() + ":" + to_string(x.kind);
      if (x.stream.to.kind == target_kind::service)
        result += "@" + x.stream.to.name;
    }
    return result;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(plan_tests, fixture)

CAF_TEST(claim 6 a fresh printer is set up in order service then device) {
  auto ledger = fresh_ledger({"MFP-1"});
  auto steps = run(want(R"({"data_backup":{"backup_format":"full"},
                            "failure_prediction":{}})"),
                   ledger);
  CAF_CHECK_EQUAL(describe(steps),
                  "MFP-1:prepare@data_backup MFP-1:firmware MFP-1:apps "
                  "MFP-1:settings MFP-1:activate@data_backup");
  CAF_REQUIRE_EQUAL(steps.size(), 5u);
  CAF_CHECK_EQUAL(steps[0].values.at("backup_format"),
                  setting_value::of_word("full"));
  CAF_CHECK_EQUAL(steps[1].firmware.to_string(), "3.2.1");
  CAF_CHECK_EQUAL(steps[2].apps, std::vector<std::string>{"backup-agent"});
  CAF_CHECK_EQUAL(steps[3].values.size(), 2u);
  CAF_CHECK_EQUAL(steps[0].stream.to,
                  target::service(service_id{"data_backup"}));
  // One stream per printer at a service: a step that waits for one printer
  // holds up no other printer's.
  CAF_CHECK_EQUAL(steps[0].stream.device, device_id{"MFP-1"});
  CAF_CHECK_EQUAL(steps[1].stream.device, device_id{});
  CAF_CHECK_EQUAL(steps[1].stream.to, target::device(device_id{"MFP-1"}));
}

CAF_TEST(claim 3 a device only service gets no service step) {
  auto ledger = fresh_ledger({"MFP-1"});
  // 2.4.0 meets failure_prediction's minimum (2.0.0): no firmware step.
  auto steps = run(want(R"({"failure_prediction":{}})"), ledger);
  CAF_CHECK_EQUAL(describe(steps), "MFP-1:settings");
}

CAF_TEST(firmware and apps already there are not sent) {
  auto ledger = fresh_ledger({"MFP-2"});
  auto steps = run(want(R"({"data_backup":{}})", R"(["MFP-2"])"), ledger);
  CAF_CHECK_EQUAL(describe(steps), "MFP-2:prepare@data_backup MFP-2:settings "
                                   "MFP-2:activate@data_backup");
}

CAF_TEST(claim 7 a renewal plans only the delta and no change plans nothing) {
  auto ledger = fresh_ledger({"MFP-1"});
  run(want(R"({"data_backup":{"backup_format":"full"}})"), ledger);
  auto same = actors::remaining_steps(
    id, 2, want(R"({"data_backup":{"backup_format":"full"}})"), ledger);
  CAF_CHECK(same.empty());
  auto changed
    = run(want(R"({"data_backup":{"backup_format":"differential"}})"), ledger);
  CAF_CHECK_EQUAL(describe(changed), "MFP-1:prepare@data_backup");
  CAF_CHECK_EQUAL(changed[0].values.at("backup_format"),
                  setting_value::of_word("differential"));
  auto added = run(want(R"({"data_backup":{"backup_format":"differential"},
                            "consumables_delivery":{}})"),
                   ledger);
  CAF_CHECK_EQUAL(describe(added),
                  "MFP-1:prepare@consumables_delivery MFP-1:settings "
                  "MFP-1:activate@consumables_delivery");
  CAF_REQUIRE_EQUAL(added[1].values.size(), 1u);
  CAF_CHECK_EQUAL(added[1].values.count("telemetry.toner_level"), 1u);
}

CAF_TEST(a dropped service is deactivated and its device side removed) {
  auto ledger = fresh_ledger({"MFP-1"});
  run(want(R"({"data_backup":{},"failure_prediction":{}})"), ledger);
  auto steps = run(want(R"({"failure_prediction":{}})"), ledger);
  CAF_CHECK_EQUAL(describe(steps), "MFP-1:deactivate@data_backup "
                                   "MFP-1:settings_off MFP-1:apps_remove");
  CAF_CHECK_EQUAL(steps[1].values.count("backup.enabled"), 1u);
  CAF_CHECK_EQUAL(steps[1].values.count("diagnostics.upload"), 0u);
  CAF_CHECK(ledger.services.empty());
  CAF_CHECK(ledger.devices.at(device_id{"MFP-1"}).apps.empty());
}

CAF_TEST(ending removes everything in reverse order but keeps what was there) {
  auto ledger = fresh_ledger({"MFP-1", "MFP-2"});
  run(want(R"({"data_backup":{},"cloud_doc_backup":{}})",
           R"(["MFP-1","MFP-2"])"),
      ledger);
  auto steps = run(desired_state{}, ledger);
  CAF_CHECK_EQUAL(describe(steps),
                  "MFP-1:deactivate@cloud_doc_backup "
                  "MFP-1:deactivate@data_backup MFP-1:settings_off "
                  "MFP-1:apps_remove "
                  "MFP-2:deactivate@cloud_doc_backup "
                  "MFP-2:deactivate@data_backup MFP-2:settings_off "
                  "MFP-2:apps_remove");
  CAF_CHECK_EQUAL(steps[3].apps, (std::vector<std::string>{"backup-agent",
                                                           "cloud-connector"}));
  // MFP-2 had backup-agent before the contract: only cloud-connector goes.
  CAF_CHECK_EQUAL(steps[7].apps, std::vector<std::string>{"cloud-connector"});
  CAF_CHECK_EQUAL(ledger.devices.at(device_id{"MFP-2"}).apps,
                  std::vector<std::string>{"backup-agent"});
  CAF_CHECK(actors::remaining_steps(id, 1, desired_state{}, ledger).empty());
}

CAF_TEST(a printer dropped by a renewal is deprovisioned) {
  auto ledger = fresh_ledger({"MFP-1", "MFP-2"});
  run(want(R"({"failure_prediction":{}})", R"(["MFP-1","MFP-2"])"), ledger);
  auto steps = run(want(R"({"failure_prediction":{}})", R"(["MFP-1"])"),
                   ledger);
  CAF_CHECK_EQUAL(describe(steps), "MFP-2:settings_off");
}

CAF_TEST_FIXTURE_SCOPE_END()
