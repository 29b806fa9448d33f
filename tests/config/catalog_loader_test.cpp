#define CAF_SUITE catalog_loader
#include <caf/test/unit_test.hpp>

#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "config/catalog_loader.hpp"
#include "tests/support/refusal.hpp"
#include "tests/support/shipped_catalog.hpp"

using namespace onset;
using json = nlohmann::json;

namespace {

json shipped_json() {
  std::ifstream in{test::source_path("config/catalog.json")};
  return json::parse(in);
}

void check_refused(const json& doc, const std::string& field,
                   const std::string& fragment) {
  test::check_refusal(config::parse_catalog(doc.dump()), field, fragment,
                      doc.dump());
}

} // namespace

CAF_TEST(the shipped catalog holds the five services of the patent) {
  auto result = config::load_catalog(test::source_path("config/catalog.json"));
  CAF_REQUIRE(result);
  auto& cat = result.value();
  CAF_CHECK_EQUAL(cat.services.size(), 5u);
  auto* backup = cat.find(service_id{"data_backup"});
  CAF_REQUIRE(backup != nullptr);
  CAF_CHECK_EQUAL(backup->server_settings.size(), 4u);
  CAF_CHECK_EQUAL(backup->device.min_firmware.to_string(), "3.0.0");
  CAF_CHECK_EQUAL(backup->device.install_firmware.to_string(), "3.2.1");
  CAF_CHECK_EQUAL(backup->device.apps,
                  std::vector<std::string>{"backup-agent"});
  auto* period = backup->find_setting("backup_period");
  CAF_REQUIRE(period != nullptr);
  CAF_CHECK_EQUAL(period->default_value, setting_value::of_word("weekly"));
  auto* parts = cat.find(service_id{"parts_life_prediction"});
  CAF_REQUIRE(parts != nullptr);
  auto* threshold = parts->find_setting("alert_threshold_pct");
  CAF_REQUIRE(threshold != nullptr);
  CAF_CHECK_EQUAL(threshold->min, 50);
  CAF_CHECK_EQUAL(threshold->max, 100);
  CAF_CHECK_EQUAL(threshold->default_value, setting_value::of_number(90));
  auto* failure = cat.find(service_id{"failure_prediction"});
  CAF_REQUIRE(failure != nullptr);
  CAF_CHECK(!failure->has_server_settings());
  auto* delivery = cat.find(service_id{"consumables_delivery"});
  CAF_REQUIRE(delivery != nullptr);
  CAF_CHECK_EQUAL(delivery->device.min_firmware.to_string(), "0");
}

CAF_TEST(a bad catalog is refused naming the file and field) {
  auto missing = config::load_catalog("/nonexistent/catalog.json");
  CAF_REQUIRE(!missing);
  CAF_CHECK_EQUAL(missing.error().field, "/nonexistent/catalog.json");
  auto path = std::string{"/tmp/onset-catalog-test.json"};
  {
    auto doc = shipped_json();
    doc["services"]["data_backup"]["server_settings"]["backup_period"]
       ["default"]
      = "hourly";
    std::ofstream out{path};
    out << doc.dump();
  }
  auto bad = config::load_catalog(path);
  std::remove(path.c_str());
  CAF_REQUIRE(!bad);
  CAF_CHECK_EQUAL(bad.error().field,
                  path
                    + ": services.data_backup.server_settings.backup_period."
                      "default");
  CAF_CHECK(bad.error().reason.find("'hourly' is not one of")
            != std::string::npos);
}

CAF_TEST(catalog rules are enforced) {
  auto doc = shipped_json();
  doc["format"] = 2;
  check_refused(doc, "format", "not supported");
  doc = shipped_json();
  doc["services"]["data_backup"]["server_settings"]["backup_period"]["type"]
    = "colour";
  check_refused(doc, "services.data_backup.server_settings.backup_period.type",
                "not one of bool|int|enum|set");
  doc = shipped_json();
  doc["services"]["parts_life_prediction"]["server_settings"]
     ["alert_threshold_pct"]["default"]
    = 10;
  check_refused(doc,
                "services.parts_life_prediction.server_settings."
                "alert_threshold_pct.default",
                "out of range 50..100");
  doc = shipped_json();
  doc["services"]["data_backup"]["device"]["install_firmware"] = "2.0.0";
  check_refused(doc, "services.data_backup.device.install_firmware",
                "below min_firmware");
  doc = shipped_json();
  doc["services"]["data_backup"]["device"]["settings"]["diagnostics.upload"]
    = false;
  check_refused(doc,
                "services.failure_prediction.device.settings."
                "diagnostics.upload",
                "conflicts with service data_backup");
  doc = shipped_json();
  doc["services"]["data_backup"]["device"]["min_firmware"] = "three";
  check_refused(doc, "services.data_backup.device.min_firmware",
                "not a version");
  doc = shipped_json();
  doc["services"]["data_backup"]["surprise"] = true;
  check_refused(doc, "services.data_backup.surprise", "unknown field");
}
