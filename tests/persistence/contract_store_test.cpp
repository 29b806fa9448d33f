#define CAF_SUITE contract_store
#include <caf/test/unit_test.hpp>

#include "persistence/contract_store.hpp"
#include "tests/persistence/persistence_test_support.hpp"

using namespace onset;
using namespace onset::persistence;
using onset::test::fails_with;

namespace {

struct fixture {
  test::temp_dir dir;
  environment_options opts = test::options_in(dir.path());
  std::unique_ptr<environment> env = test::open_env(opts);

  void put(const contract_record& x) {
    auto txn = env->begin_write();
    ONSET_OK(contract_store::put(txn, x));
    ONSET_OK(txn.commit());
  }

  void reopen() {
    env.reset();
    env = test::open_env(opts);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(contract_store_tests, fixture)

CAF_TEST(a contract record round - trips through a reopen) {
  auto record = test::sample_contract("C-1");
  put(record);
  reopen();
  auto txn = env->begin_read();
  auto loaded = ONSET_VALUE(contract_store::get(txn, contract_id{"C-1"}));
  CAF_REQUIRE(loaded);
  CAF_CHECK_EQUAL(*loaded, record);
  CAF_CHECK(!ONSET_VALUE(contract_store::get(txn, contract_id{"C-2"})));
}

CAF_TEST(a put replaces the previous record) {
  put(test::sample_contract("C-1", 1));
  auto renewed = test::sample_contract("C-1", 2);
  renewed.state = contract_state::active;
  renewed.ending = true;
  put(renewed);
  auto txn = env->begin_read();
  CAF_CHECK_EQUAL(ONSET_VALUE(contract_store::get(txn, contract_id{"C-1"})),
                  renewed);
}

CAF_TEST(for_each visits every contract in key order) {
  put(test::sample_contract("C-2"));
  put(test::sample_contract("C-1"));
  put(test::sample_contract("C-10"));
  reopen();
  std::vector<std::string> ids;
  auto txn = env->begin_read();
  ONSET_OK(contract_store::for_each(
      txn, [&](const contract_record& x) { ids.push_back(x.doc.id.str()); }));
  CAF_CHECK_EQUAL(ids, (std::vector<std::string>{"C-1", "C-2", "C-10"}));
}

CAF_TEST(ingested events are remembered for dedupe) {
  {
    auto txn = env->begin_write();
    ONSET_OK(contract_store::remember_event(txn, "evt-9", contract_id{"C-1"}));
    // The same event again, for the same contract: a no-op.
    ONSET_OK(contract_store::remember_event(txn, "evt-9", contract_id{"C-1"}));
    CAF_CHECK(fails_with(
        contract_store::remember_event(txn, "evt-9", contract_id{"C-2"}),
        error_code::invalid_input, "ingested for contract C-1"));
    ONSET_OK(txn.commit());
  }
  reopen();
  auto txn = env->begin_read();
  auto found = ONSET_VALUE(contract_store::find_event(txn, "evt-9"));
  CAF_REQUIRE(found);
  CAF_CHECK_EQUAL(*found, contract_id{"C-1"});
  CAF_CHECK(!ONSET_VALUE(contract_store::find_event(txn, "evt-10")));
}

CAF_TEST(a contract without an id is refused) {
  auto txn = env->begin_write();
  CAF_CHECK(fails_with(contract_store::put(txn, contract_record{}),
                       error_code::invalid_input));
}

CAF_TEST_FIXTURE_SCOPE_END()
