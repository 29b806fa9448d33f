#define CAF_SUITE device_json
#include <caf/test/unit_test.hpp>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "messages/device_json.hpp"
#include "tests/support/refusal.hpp"
#include "tests/support/shipped_catalog.hpp"

using namespace onset;

namespace {

void check_refused(const std::string& text, const std::string& field,
                   const std::string& fragment) {
  test::check_refusal(parse_device_records(text), field, fragment, text);
}

} // namespace

CAF_TEST(the sample devices parse) {
  std::ifstream in{test::source_path("config/samples/devices.json")};
  std::stringstream text;
  text << in.rdbuf();
  auto result = parse_device_records(text.str());
  CAF_REQUIRE(result);
  CAF_CHECK(result.value().size() >= 5);
  auto& first = result.value().front();
  CAF_CHECK_EQUAL(first.id, device_id{"MFP-0001"});
  CAF_CHECK_EQUAL(first.customer, customer_id{"acme"});
  CAF_CHECK_EQUAL(first.firmware.to_string(), "2.4.0");
}

CAF_TEST(a device record survives a round trip) {
  auto result = parse_device_records(
    R"({"id":"MFP-9","customer":"acme","model":"X","firmware":"3.1",
        "apps":["b","a"]})");
  CAF_REQUIRE(result);
  auto& x = result.value().front();
  CAF_CHECK_EQUAL(x.apps, (std::vector<std::string>{"a", "b"}));
  auto again = parse_device_records(to_json(x).dump());
  CAF_REQUIRE(again);
  CAF_CHECK_EQUAL(again.value().front(), x);
}

CAF_TEST(bad device records are refused naming the field) {
  check_refused(R"([{"customer":"acme","firmware":"1.0"}])", "[0].id",
                "missing");
  check_refused(R"([{"id":"A","customer":"","firmware":"1.0"}])",
                "[0].customer", "empty");
  check_refused(R"([{"id":"A","customer":"c","firmware":"new"}])",
                "[0].firmware", "not a version");
  check_refused(R"([{"id":"A","customer":"c","firmware":"1.0","apps":"x"}])",
                "[0].apps", "array");
  check_refused(R"([{"id":"A","customer":"c","firmware":"1.0","colour":1}])",
                "[0].colour", "unknown field");
  check_refused(R"([{"id":"A","customer":"c","firmware":"1.0"},
                    {"id":"A","customer":"c","firmware":"1.0"}])",
                "[1].id", "appears twice");
  check_refused("[]", "document", "no device record");
  check_refused("[{}] trailing", "document", "trailing characters");
}
