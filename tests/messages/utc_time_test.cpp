#define CAF_SUITE utc_time
#include <caf/test/unit_test.hpp>

#include "messages/utc_time.hpp"

using namespace onset;

namespace {

std::string refusal(const char* text) {
  utc_time::parse_problem problem;
  auto result = utc_time::parse_rfc3339(text, &problem);
  CAF_CHECK(!result.has_value());
  return problem.reason;
}

} // namespace

CAF_TEST(utc timestamps parse to epoch seconds and print back) {
  auto t = utc_time::parse_rfc3339("2026-12-01T00:00:00Z");
  CAF_REQUIRE(t.has_value());
  CAF_CHECK_EQUAL(t->seconds, 1796083200);
  CAF_CHECK_EQUAL(t->to_rfc3339(), "2026-12-01T00:00:00Z");
  auto epoch = utc_time::parse_rfc3339("1970-01-01T00:00:00Z");
  CAF_REQUIRE(epoch.has_value());
  CAF_CHECK_EQUAL(epoch->seconds, 0);
  auto fraction = utc_time::parse_rfc3339("2024-02-29T23:59:59.250Z");
  CAF_REQUIRE(fraction.has_value());
  CAF_CHECK_EQUAL(fraction->to_rfc3339(), "2024-02-29T23:59:59Z");
  auto zero_offset = utc_time::parse_rfc3339("2026-12-01T00:00:00+00:00");
  CAF_REQUIRE(zero_offset.has_value());
  CAF_CHECK_EQUAL(*zero_offset, *t);
}

CAF_TEST(non utc and malformed timestamps are refused with a reason) {
  CAF_CHECK(refusal("2026-12-01T09:00:00+09:00").find("not in UTC")
            != std::string::npos);
  CAF_CHECK(refusal("2026-12-01T00:00:00").find("no time zone")
            != std::string::npos);
  CAF_CHECK(refusal("2026-13-01T00:00:00Z").find("month 13")
            != std::string::npos);
  CAF_CHECK(refusal("2025-02-29T00:00:00Z").find("day 29")
            != std::string::npos);
  CAF_CHECK(refusal("2026-12-01T24:00:00Z").find("out of range")
            != std::string::npos);
  CAF_CHECK(refusal("next tuesday").find("RFC 3339") != std::string::npos);
  CAF_CHECK(refusal("2026-12-01 00:00:00Z").find("RFC 3339")
            != std::string::npos);
  CAF_CHECK(refusal("2026-12-01T00:00:00Zjunk").find("RFC 3339")
            != std::string::npos);
}
