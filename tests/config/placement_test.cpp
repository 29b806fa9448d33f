// Placement: FNV-1a is pinned to its published values, so that every process
// and every build puts an id on the same node.
#define CAF_SUITE placement
#include <caf/test/unit_test.hpp>

#include <string>

#include "config/placement.hpp"

using namespace onset;

CAF_TEST(fnv1a matches the reference values) {
  CAF_CHECK_EQUAL(config::fnv1a(""), 0xcbf29ce484222325ull);
  CAF_CHECK_EQUAL(config::fnv1a("a"), 0xaf63dc4c8601ec8cull);
  CAF_CHECK_EQUAL(config::fnv1a("foobar"), 0x85944171f73967e8ull);
}

CAF_TEST(owners are pinned) {
  CAF_CHECK_EQUAL(config::owner_index("MFP-0001", 2), 0u);
  CAF_CHECK_EQUAL(config::owner_index("C-1001", 2), 1u);
  CAF_CHECK_EQUAL(config::owner_index("C-1001", 3), 1u);
  CAF_CHECK_EQUAL(config::owner_index("anything", 1), 0u);
}

CAF_TEST(ids spread over every node) {
  size_t counts[3] = {0, 0, 0};
  for (int i = 1; i <= 300; ++i)
    ++counts[config::owner_index("MFP-" + std::to_string(i), 3)];
  for (auto n : counts) {
    CAF_CHECK_GREATER(n, 70u);
    CAF_CHECK_LESS(n, 130u);
  }
}
