#define CAF_SUITE firmware_version
#include <caf/test/unit_test.hpp>

#include "messages/firmware_version.hpp"

using namespace onset;

namespace {

firmware_version v(const char* text) {
  auto result = firmware_version::parse(text);
  CAF_REQUIRE(result.has_value());
  return *result;
}

} // namespace

CAF_TEST(versions compare numerically by component) {
  CAF_CHECK(v("3.10.0") > v("3.9.0"));
  CAF_CHECK(v("10.0") > v("9.99.99"));
  CAF_CHECK(v("2.4.0") < v("3.0.0"));
  CAF_CHECK(v("3.2") == v("3.2.0"));
  CAF_CHECK(v("3.2.1") >= v("3.2.1"));
  CAF_CHECK_EQUAL(v("3.10.0").to_string(), "3.10.0");
}

CAF_TEST(malformed versions are refused) {
  for (auto text :
       {"", "3.", ".3", "3..1", "a.b", "3.2.1-beta", " 3.2", "1234567890.0"})
    CAF_CHECK(!firmware_version::parse(text).has_value());
}
