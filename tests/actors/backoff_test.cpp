// The capped exponential backoff shared by the CONTRACT actor and the PEER
// LINK (actors/backoff.hpp).
#define CAF_SUITE backoff
#include <chrono>

#include <caf/test/unit_test.hpp>

#include "actors/backoff.hpp"

using namespace onset;
using namespace onset::actors;
using std::chrono::milliseconds;

CAF_TEST(the first retry waits the base delay) {
  CAF_CHECK_EQUAL(
    actors::capped_backoff(milliseconds{100}, milliseconds{1000}, 1).count(),
    100);
  CAF_CHECK_EQUAL(
    actors::capped_backoff(milliseconds{100}, milliseconds{1000}, 0).count(),
    100);
}

CAF_TEST(each further retry doubles the delay) {
  CAF_CHECK_EQUAL(
    actors::capped_backoff(milliseconds{100}, milliseconds{1000}, 2).count(),
    200);
  CAF_CHECK_EQUAL(
    actors::capped_backoff(milliseconds{100}, milliseconds{1000}, 3).count(),
    400);
  CAF_CHECK_EQUAL(
    actors::capped_backoff(milliseconds{100}, milliseconds{1000}, 4).count(),
    800);
}

CAF_TEST(the delay stops at the cap however many retries) {
  CAF_CHECK_EQUAL(
    actors::capped_backoff(milliseconds{100}, milliseconds{1000}, 5).count(),
    1000);
  CAF_CHECK_EQUAL(actors::capped_backoff(milliseconds{100}, milliseconds{1000},
                                         4000000)
                    .count(),
                  1000);
  CAF_CHECK_EQUAL(
    actors::capped_backoff(milliseconds{300}, milliseconds{200}, 1).count(),
    200);
}

CAF_TEST(jitter scales the delay) {
  CAF_CHECK_EQUAL(actors::jittered(milliseconds{200}, 0.5).count(), 100);
  CAF_CHECK_EQUAL(actors::jittered(milliseconds{200}, 1.5).count(), 300);
}
