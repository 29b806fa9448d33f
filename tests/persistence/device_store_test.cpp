#define CAF_SUITE device_store
#include <caf/test/unit_test.hpp>

#include "persistence/device_store.hpp"
#include "tests/support/persistence.hpp"

using namespace onset;
using namespace onset::persistence;

namespace {

struct fixture {
  test::temp_dir dir;
  environment_options opts = test::options_in(dir.path());
  std::unique_ptr<environment> env = test::open_env(opts);

  void put(const device_state& x) {
    auto txn = env->begin_write();
    ONSET_OK(device_store::put(txn, x));
    ONSET_OK(txn.commit());
  }

  void reopen() {
    env.reset();
    env = test::open_env(opts);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(device_store_tests, fixture)

CAF_TEST(device states round - trip through a reopen) {
  auto one = test::sample_device("MFP-1");
  auto two = test::sample_device("MFP-2");
  two.online = true;
  two.values.clear();
  put(one);
  put(two);
  reopen();
  auto txn = env->begin_read();
  CAF_CHECK_EQUAL(ONSET_VALUE(device_store::get(txn, device_id{"MFP-1"})), one);
  CAF_CHECK_EQUAL(ONSET_VALUE(device_store::get(txn, device_id{"MFP-2"})), two);
  CAF_CHECK(!ONSET_VALUE(device_store::get(txn, device_id{"MFP-3"})));
  CAF_CHECK_EQUAL(ONSET_VALUE(device_store::count(txn)), 2u);
  std::vector<device_state> all;
  ONSET_OK(device_store::for_each(txn, [&](const device_state& x) {
    all.push_back(x);
  }));
  CAF_CHECK_EQUAL(all, (std::vector<device_state>{one, two}));
}

CAF_TEST(a put replaces the state of the printer) {
  auto x = test::sample_device("MFP-1");
  put(x);
  x.apps.push_back("cloud-connector");
  put(x);
  auto txn = env->begin_read();
  CAF_CHECK_EQUAL(ONSET_VALUE(device_store::get(txn, device_id{"MFP-1"})), x);
  CAF_CHECK_EQUAL(ONSET_VALUE(device_store::count(txn)), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
