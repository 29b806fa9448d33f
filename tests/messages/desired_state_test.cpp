#define CAF_SUITE desired_state
#include <caf/test/unit_test.hpp>

#include "messages/contract_json.hpp"
#include "messages/desired_state.hpp"
#include "tests/support/shipped_catalog.hpp"

using namespace onset;

namespace {

struct fixture {
  std::map<device_id, device_record> registry;

  fixture() {
    add("MFP-1", "acme", "2.4.0", {});
    add("MFP-2", "acme", "3.10.0", {"backup-agent"});
    add("MFP-9", "globex", "3.2.1", {});
  }

  void add(const char* id, const char* customer, const char* firmware,
           std::vector<std::string> apps) {
    device_record x{device_id{id}, customer_id{customer}, "model",
                    *firmware_version::parse(firmware), std::move(apps)};
    registry.emplace(x.id, x);
  }

  contract parse(const std::string& services,
                 const std::string& devices = R"(["MFP-1", "MFP-2"])") {
    auto text = R"({"id":"C-1","version":1,"customer":"acme",
                    "start":"2026-12-01T00:00:00Z",
                    "end":"2027-12-01T00:00:00Z","devices":)"
                + devices + R"(,"services":)" + services + "}";
    auto result = parse_contract(text, test::shipped_catalog());
    CAF_REQUIRE(result);
    return result.value();
  }

  outcome<desired_state> desired(const contract& x) {
    return compute_desired_state(
      x, test::shipped_catalog(), [this](const device_id& id) {
        auto i = registry.find(id);
        return i == registry.end() ? nullptr : &i->second;
      });
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(desired_state_tests, fixture)

CAF_TEST(customer values override catalog defaults on the service side) {
  auto result = desired(parse(R"({"data_backup":{"backup_format":"full"}})"));
  CAF_REQUIRE(result);
  auto& per_device = result.value().services.at(service_id{"data_backup"});
  CAF_REQUIRE_EQUAL(per_device.size(), 2u);
  auto& values = per_device.at(device_id{"MFP-1"});
  CAF_CHECK_EQUAL(values.at("backup_format"), setting_value::of_word("full"));
  CAF_CHECK_EQUAL(values.at("backup_period"), setting_value::of_word("weekly"));
  CAF_CHECK_EQUAL(values.at("scheduled_backup"), setting_value::of_flag(true));
  CAF_CHECK_EQUAL(values.at("backup_weekdays"),
                  setting_value::of_words({"sun"}));
}

CAF_TEST(a device only service yields no service side state) {
  auto result = desired(parse(R"({"failure_prediction":{}})"));
  CAF_REQUIRE(result);
  CAF_CHECK(result.value().services.empty());
  auto& device = result.value().devices.at(device_id{"MFP-1"});
  CAF_CHECK_EQUAL(device.values.at("diagnostics.upload"),
                  setting_value::of_flag(true));
}

CAF_TEST(firmware is raised to the install version only when below minimum) {
  auto result
    = desired(parse(R"({"data_backup":{},"parts_life_prediction":{}})"));
  CAF_REQUIRE(result);
  auto& low = result.value().devices.at(device_id{"MFP-1"});
  CAF_CHECK_EQUAL(low.min_firmware.to_string(), "3.0.0");
  CAF_CHECK_EQUAL(low.firmware.to_string(), "3.2.1");
  // 3.10.0 is above 3.0.0 (numerically, not as text): keep it.
  auto& high = result.value().devices.at(device_id{"MFP-2"});
  CAF_CHECK_EQUAL(high.firmware.to_string(), "3.10.0");
}

CAF_TEST(apps and device settings are the union over the services) {
  auto result = desired(parse(
    R"({"data_backup":{},"cloud_doc_backup":{},"consumables_delivery":{}})"));
  CAF_REQUIRE(result);
  auto& device = result.value().devices.at(device_id{"MFP-1"});
  CAF_CHECK_EQUAL(
    device.apps, (std::vector<std::string>{"backup-agent", "cloud-connector"}));
  CAF_CHECK_EQUAL(device.values.size(), 3u);
  CAF_CHECK_EQUAL(device.values.at("telemetry.toner_level"),
                  setting_value::of_flag(true));
  CAF_CHECK_EQUAL(result.value().services.size(), 3u);
  CAF_CHECK_EQUAL(result.value()
                    .services.at(service_id{"consumables_delivery"})
                    .at(device_id{"MFP-2"})
                    .at("payment_method"),
                  setting_value::of_word("invoice"));
}

CAF_TEST(unknown and foreign devices are refused naming the device) {
  auto unknown
    = desired(parse(R"({"failure_prediction":{}})", R"(["MFP-1", "MFP-404"])"));
  CAF_REQUIRE(!unknown);
  CAF_CHECK_EQUAL(unknown.error().field, "devices[1]");
  CAF_CHECK(unknown.error().reason.find("MFP-404 is not registered")
            != std::string::npos);
  auto foreign = desired(parse(R"({"failure_prediction":{}})", R"(["MFP-9"])"));
  CAF_REQUIRE(!foreign);
  CAF_CHECK_EQUAL(foreign.error().field, "devices[0]");
  CAF_CHECK(foreign.error().reason.find("another customer")
            != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
