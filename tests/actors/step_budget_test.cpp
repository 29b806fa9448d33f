// The STEP BUDGET on its own: permits, the FIFO queue, hand-over on
// release, and what `forget` gives back.
#define CAF_SUITE step_budget
#include <vector>

#include <caf/test/unit_test.hpp>

#include "actors/step_budget.hpp"

using namespace onset;
using namespace onset::actors;

namespace {

/// Records which holders were woken, in order.
struct wakes {
  std::vector<actors::step_budget::holder_id> order;

  actors::step_budget::wake_fn of(actors::step_budget::holder_id holder) {
    return [this, holder] { order.push_back(holder); };
  }
};

} // namespace

CAF_TEST(permits run out at the limit and the next holder waits) {
  actors::step_budget budget{2};
  wakes w;
  CAF_CHECK(budget.acquire_or_wait(1, w.of(1)));
  CAF_CHECK(budget.acquire_or_wait(2, w.of(2)));
  CAF_CHECK(!budget.acquire_or_wait(3, w.of(3)));
  auto now = budget.snapshot();
  CAF_CHECK_EQUAL(now.in_use, 2u);
  CAF_CHECK_EQUAL(now.waiting, 1u);
  CAF_CHECK_EQUAL(now.waits, 1u);
  CAF_CHECK(w.order.empty());
}

CAF_TEST(a release hands the permit to the first waiting holder) {
  actors::step_budget budget{1};
  wakes w;
  CAF_REQUIRE(budget.acquire_or_wait(1, w.of(1)));
  CAF_CHECK(!budget.acquire_or_wait(2, w.of(2)));
  CAF_CHECK(!budget.acquire_or_wait(3, w.of(3)));
  CAF_MESSAGE("a holder already queued is not queued twice");
  CAF_CHECK(!budget.acquire_or_wait(2, w.of(2)));
  CAF_CHECK_EQUAL(budget.snapshot().waiting, 2u);
  budget.release(1);
  CAF_CHECK_EQUAL(w.order, (std::vector<actors::step_budget::holder_id>{2}));
  CAF_CHECK_EQUAL(budget.held_by(1), 0u);
  CAF_CHECK_EQUAL(budget.held_by(2), 1u);
  CAF_CHECK_EQUAL(budget.snapshot().in_use, 1u);
  CAF_MESSAGE("holder 2 asks again: it queues behind holder 3");
  CAF_CHECK(!budget.acquire_or_wait(2, w.of(2)));
  budget.release(2);
  CAF_CHECK_EQUAL(w.order, (std::vector<actors::step_budget::holder_id>{2, 3}));
  budget.release(3);
  CAF_CHECK_EQUAL(w.order,
                  (std::vector<actors::step_budget::holder_id>{2, 3, 2}));
  budget.release(2);
  auto end = budget.snapshot();
  CAF_CHECK_EQUAL(end.in_use, 0u);
  CAF_CHECK_EQUAL(end.waiting, 0u);
  CAF_CHECK_EQUAL(end.peak_in_use, 1u);
}

CAF_TEST(forget gives back every permit of a holder and leaves the queue) {
  actors::step_budget budget{2};
  wakes w;
  CAF_REQUIRE(budget.acquire_or_wait(1, w.of(1)));
  CAF_REQUIRE(budget.acquire_or_wait(1, w.of(1)));
  CAF_CHECK(!budget.acquire_or_wait(2, w.of(2)));
  CAF_CHECK(!budget.acquire_or_wait(3, w.of(3)));
  CAF_CHECK_EQUAL(budget.forget(3), 0u);
  CAF_CHECK_EQUAL(budget.forget(1), 2u);
  CAF_MESSAGE("the permits went to holder 2; holder 3 left the queue");
  CAF_CHECK_EQUAL(w.order, (std::vector<actors::step_budget::holder_id>{2}));
  CAF_CHECK_EQUAL(budget.held_by(2), 1u);
  auto now = budget.snapshot();
  CAF_CHECK_EQUAL(now.in_use, 1u);
  CAF_CHECK_EQUAL(now.waiting, 0u);
  CAF_MESSAGE("a release by a holder with nothing held changes nothing");
  budget.release(1);
  CAF_CHECK_EQUAL(budget.snapshot().in_use, 1u);
}
