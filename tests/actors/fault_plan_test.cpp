// The fault spec of `onset-node --test-faults` and the seeded choices of a
// FAULT INJECTOR (actors/fault_plan.hpp).
#define CAF_SUITE fault_plan
#include <map>

#include <caf/test/unit_test.hpp>

#include "actors/fault_plan.hpp"

using namespace onset;
using namespace onset::actors;

CAF_TEST(a spec sets each fault and reads back) {
  auto x = actors::parse_fault_spec(
    "drop=0.1,duplicate=0.2,delay=0.3,refuse=0.15,delay_ms=250,"
    "seed=9");
  CAF_REQUIRE(x);
  CAF_CHECK_EQUAL(x.value().drop, 0.1);
  CAF_CHECK_EQUAL(x.value().duplicate, 0.2);
  CAF_CHECK_EQUAL(x.value().delay, 0.3);
  CAF_CHECK_EQUAL(x.value().refuse, 0.15);
  CAF_CHECK_EQUAL(x.value().max_delay.count(), 250);
  CAF_CHECK_EQUAL(x.value().seed, 9u);
  auto again = actors::parse_fault_spec(to_string(x.value()));
  CAF_REQUIRE(again);
  CAF_CHECK_EQUAL(again.value().drop, 0.1);
  CAF_CHECK_EQUAL(again.value().refuse, 0.15);
  CAF_CHECK_EQUAL(again.value().seed, 9u);
}

CAF_TEST(a bad spec is refused naming the item) {
  auto field = [](const std::string& spec) {
    auto x = actors::parse_fault_spec(spec);
    return x ? std::string{"accepted"} : x.error().field;
  };
  CAF_CHECK_EQUAL(field("drop=2"), "drop");
  CAF_CHECK_EQUAL(field("drop=x"), "drop");
  CAF_CHECK_EQUAL(field("lose=0.1"), "lose");
  CAF_CHECK_EQUAL(field("drop"), "drop");
  CAF_CHECK_EQUAL(field("delay_ms=0"), "delay_ms");
  CAF_CHECK_EQUAL(field("seed=-1"), "seed");
  CAF_CHECK_EQUAL(field(""), "");
  CAF_CHECK(!actors::parse_fault_spec("drop=0.5,duplicate=0.4,delay=0.2"));
}

CAF_TEST(the same seed gives the same faults at the given rates) {
  actors::fault_options x;
  x.drop = 0.2;
  x.duplicate = 0.1;
  x.delay = 0.1;
  x.seed = 5;
  actors::fault_plan a{x};
  actors::fault_plan b{x};
  std::map<actors::fault, int> seen;
  bool same = true;
  for (int i = 0; i < 10000; ++i) {
    auto f = a.next();
    same = same && f == b.next();
    ++seen[f];
  }
  CAF_CHECK(same);
  // Drop splits evenly between instructions and acks.
  CAF_CHECK_GREATER(seen[actors::fault::drop_request], 800);
  CAF_CHECK_LESS(seen[actors::fault::drop_request], 1200);
  CAF_CHECK_GREATER(seen[actors::fault::drop_reply], 800);
  CAF_CHECK_LESS(seen[actors::fault::drop_reply], 1200);
  CAF_CHECK_GREATER(seen[actors::fault::duplicate], 800);
  CAF_CHECK_LESS(seen[actors::fault::duplicate], 1200);
  CAF_CHECK_GREATER(seen[actors::fault::none], 5500);
  for (int i = 0; i < 100; ++i) {
    auto d = a.next_delay().count();
    CAF_CHECK(d >= 1 && d <= 500);
  }
}
