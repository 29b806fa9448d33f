#define CAF_SUITE ids
#include <caf/test/unit_test.hpp>

#include <type_traits>
#include <unordered_set>

#include "messages/id_rules.hpp"
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

CAF_TEST(an id is 1 to 128 bytes of UTF - 8 text without control characters) {
  auto reason = [](const std::string& id) {
    auto problem = check_id(id, "id");
    return problem ? problem->to_string() : std::string{"ok"};
  };
  CAF_CHECK_EQUAL(reason(std::string(128, 'C')), "ok");
  CAF_CHECK_EQUAL(reason("\xe3\x83\x97\xe3\x83\xaa MFP 7"), "ok");
  CAF_CHECK_EQUAL(reason(std::string(129, 'C')),
                  "id: is 129 bytes long; ids are at most 128 bytes");
  CAF_CHECK_EQUAL(reason(""), "id: must not be empty");
  CAF_CHECK_EQUAL(reason("C-\xff"), "id: is not valid UTF-8");
  CAF_CHECK_EQUAL(reason("C-\xe3\x83"), "id: is not valid UTF-8");
  CAF_CHECK_EQUAL(reason("C-1\n"), "id: holds a control character at byte 3");
  CAF_CHECK_EQUAL(reason("C\x7f"), "id: holds a control character at byte 1");
  CAF_CHECK_EQUAL(reason("C\xc2\x85"),
                  "id: holds a control character at byte 1");
}
