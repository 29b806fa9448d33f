#define CAF_SUITE service_store
#include <caf/test/unit_test.hpp>

#include "persistence/service_store.hpp"
#include "tests/support/persistence.hpp"

using namespace onset;
using namespace onset::persistence;

namespace {

struct fixture {
  test::temp_dir dir;
  environment_options opts = test::options_in(dir.path());
  std::unique_ptr<environment> env = test::open_env(opts);
  service_id backup{"data_backup"};
  service_id delivery{"consumables_delivery"};

  service_device_state state(int64_t period, bool active) {
    service_device_state x;
    x.values["period_days"] = setting_value::of_number(period);
    x.registered = true;
    x.active = active;
    return x;
  }

  void reopen() {
    env.reset();
    env = test::open_env(opts);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(service_store_tests, fixture)

CAF_TEST(per - service printer states round - trip through a reopen) {
  {
    auto txn = env->begin_write();
    ONSET_OK(
      service_store::put(txn, backup, device_id{"MFP-2"}, state(7, true)));
    ONSET_OK(
      service_store::put(txn, backup, device_id{"MFP-1"}, state(1, false)));
    ONSET_OK(
      service_store::put(txn, delivery, device_id{"MFP-1"}, state(30, true)));
    ONSET_OK(txn.commit());
  }
  reopen();
  auto txn = env->begin_read();
  CAF_CHECK_EQUAL(
    ONSET_VALUE(service_store::get(txn, backup, device_id{"MFP-2"})),
    state(7, true));
  CAF_CHECK(
    !ONSET_VALUE(service_store::get(txn, delivery, device_id{"MFP-2"})));
  std::vector<std::pair<device_id, service_device_state>> seen;
  ONSET_OK(service_store::for_each_device_of(
    txn, backup, [&](const device_id& dev, const service_device_state& x) {
      seen.emplace_back(dev, x);
    }));
  CAF_REQUIRE_EQUAL(seen.size(), 2u);
  CAF_CHECK_EQUAL(seen[0].first, device_id{"MFP-1"});
  CAF_CHECK_EQUAL(seen[0].second, state(1, false));
  CAF_CHECK_EQUAL(seen[1].first, device_id{"MFP-2"});
  size_t delivery_count = 0;
  ONSET_OK(service_store::for_each_device_of(
    txn, delivery,
    [&](const device_id&, const service_device_state&) { ++delivery_count; }));
  CAF_CHECK_EQUAL(delivery_count, 1u);
}

CAF_TEST(a put replaces what the service holds) {
  {
    auto txn = env->begin_write();
    ONSET_OK(
      service_store::put(txn, backup, device_id{"MFP-1"}, state(7, false)));
    ONSET_OK(
      service_store::put(txn, backup, device_id{"MFP-1"}, state(14, true)));
    ONSET_OK(txn.commit());
  }
  auto txn = env->begin_read();
  CAF_CHECK_EQUAL(
    ONSET_VALUE(service_store::get(txn, backup, device_id{"MFP-1"})),
    state(14, true));
}

CAF_TEST_FIXTURE_SCOPE_END()
