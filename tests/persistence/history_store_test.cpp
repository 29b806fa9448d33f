#define CAF_SUITE history_store
#include <caf/test/unit_test.hpp>

#include "persistence/history_store.hpp"
#include "tests/persistence/persistence_test_support.hpp"

using namespace onset;
using namespace onset::persistence;

namespace {

struct fixture {
  test::temp_dir dir;
  environment_options opts = test::options_in(dir.path());
  std::unique_ptr<environment> env = test::open_env(opts);

  history_entry entry(int64_t at, history_kind kind, std::string detail) {
    return history_entry{utc_time{at}, kind, std::move(detail)};
  }

  void reopen() {
    env.reset();
    env = test::open_env(opts);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(history_store_tests, fixture)

CAF_TEST(history is kept in append order per contract across reopens) {
  std::vector<history_entry> one;
  {
    auto txn = env->begin_write();
    for (int i = 1; i <= 300; ++i) {
      one.push_back(entry(1000 - i, history_kind::sent,
                          "target=device/MFP-1 seq=" + std::to_string(i)));
      CAF_CHECK_EQUAL(ONSET_VALUE(history_store::append(txn, contract_id{"C-1"},
                                                        one.back())),
                      static_cast<uint64_t>(i));
    }
    ONSET_VALUE(history_store::append(txn, contract_id{"C-10"},
                                      entry(5, history_kind::accepted, "")));
    ONSET_OK(txn.commit());
  }
  reopen();
  {
    auto txn = env->begin_write();
    one.push_back(entry(7, history_kind::acked, "after reopen"));
    CAF_CHECK_EQUAL(
        ONSET_VALUE(history_store::append(txn, contract_id{"C-1"}, one.back())),
        301u);
    ONSET_OK(txn.commit());
  }
  auto txn = env->begin_read();
  CAF_CHECK_EQUAL(ONSET_VALUE(history_store::list(txn, contract_id{"C-1"})),
                  one);
  CAF_CHECK_EQUAL(
      ONSET_VALUE(history_store::list(txn, contract_id{"C-10"})).size(), 1u);
  CAF_CHECK(ONSET_VALUE(history_store::list(txn, contract_id{"C-2"})).empty());
}

CAF_TEST_FIXTURE_SCOPE_END()
