#define CAF_SUITE ids
#include <caf/test/unit_test.hpp>

#include <type_traits>
#include <unordered_set>

#include "messages/ids.hpp"

using namespace onset;

// One id type cannot stand in for another: these would not compile.
static_assert(!std::is_constructible_v<device_id, contract_id>);
static_assert(!std::is_convertible_v<contract_id, device_id>);
static_assert(!std::is_convertible_v<std::string, customer_id>);
static_assert(!std::is_constructible_v<service_id, device_id>);

CAF_TEST(ids compare and hash by their text) {
  contract_id a{"C-1"};
  contract_id b{"C-1"};
  contract_id c{"C-2"};
  CAF_CHECK_EQUAL(a, b);
  CAF_CHECK_NOT_EQUAL(a, c);
  CAF_CHECK(a < c);
  std::unordered_set<contract_id> set{a, b, c};
  CAF_CHECK_EQUAL(set.size(), 2u);
  CAF_CHECK(device_id{}.empty());
}
