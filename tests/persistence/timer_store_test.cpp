#define CAF_SUITE timer_store
#include <caf/test/unit_test.hpp>

#include "persistence/timer_store.hpp"
#include "tests/support/persistence.hpp"

using namespace onset;
using namespace onset::persistence;

namespace {

struct fixture {
  test::temp_dir dir;
  environment_options opts = test::options_in(dir.path());
  std::unique_ptr<environment> env = test::open_env(opts);

  due_timer timer(int64_t at, const std::string& contract, timer_kind kind) {
    return due_timer{utc_time{at}, contract_id{contract}, kind};
  }

  void put(std::vector<due_timer> xs) {
    auto txn = env->begin_write();
    for (auto& x : xs)
      ONSET_OK(timer_store::put(txn, x));
    ONSET_OK(txn.commit());
  }

  void reopen() {
    env.reset();
    env = test::open_env(opts);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(timer_store_tests, fixture)

CAF_TEST(timers come back in time order after a reopen) {
  auto late = timer(2'000'000'000, "C-1", timer_kind::end);
  auto early = timer(1'000, "C-2", timer_kind::start);
  // Before 1970: the key keeps signed order.
  auto ancient = timer(-5, "C-3", timer_kind::start);
  auto big = timer(70'000, "C-4", timer_kind::start);
  put({late, early, ancient, big});
  reopen();
  auto txn = env->begin_read();
  CAF_CHECK_EQUAL(ONSET_VALUE(timer_store::all(txn)),
                  (std::vector<due_timer>{ancient, early, big, late}));
  CAF_CHECK_EQUAL(ONSET_VALUE(timer_store::next(txn)), ancient);
}

CAF_TEST(due returns the timers at or before now) {
  auto a = timer(100, "C-1", timer_kind::start);
  auto b = timer(200, "C-2", timer_kind::start);
  auto c = timer(200, "C-1", timer_kind::end);
  auto d = timer(300, "C-3", timer_kind::start);
  put({a, b, c, d});
  auto txn = env->begin_read();
  CAF_CHECK(ONSET_VALUE(timer_store::due(txn, utc_time{99})).empty());
  CAF_CHECK_EQUAL(ONSET_VALUE(timer_store::due(txn, utc_time{200})),
                  (std::vector<due_timer>{a, b, c}));
  CAF_CHECK_EQUAL(ONSET_VALUE(timer_store::due(txn, utc_time{1000})).size(),
                  4u);
}

CAF_TEST(removed timers are gone and putting twice keeps one) {
  auto a = timer(100, "C-1", timer_kind::start);
  auto b = timer(100, "C-1", timer_kind::end);
  put({a, a, b});
  {
    auto txn = env->begin_write();
    CAF_CHECK(ONSET_VALUE(timer_store::remove(txn, a)));
    CAF_CHECK(!ONSET_VALUE(timer_store::remove(txn, a)));
    ONSET_OK(txn.commit());
  }
  auto txn = env->begin_read();
  CAF_CHECK_EQUAL(ONSET_VALUE(timer_store::all(txn)),
                  (std::vector<due_timer>{b}));
}

CAF_TEST(no timers means no next one) {
  auto txn = env->begin_read();
  CAF_CHECK(!ONSET_VALUE(timer_store::next(txn)));
  CAF_CHECK(ONSET_VALUE(timer_store::all(txn)).empty());
}

CAF_TEST_FIXTURE_SCOPE_END()
