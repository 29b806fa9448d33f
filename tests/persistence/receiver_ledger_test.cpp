#define CAF_SUITE receiver_ledger
#include <map>
#include <tuple>

#include <caf/test/unit_test.hpp>

#include "persistence/receiver_ledger.hpp"
#include "tests/support/persistence.hpp"

using namespace onset;
using namespace onset::persistence;
using onset::test::fails_with;

namespace {

struct fixture {
  test::temp_dir dir;
  environment_options opts = test::options_in(dir.path());
  std::unique_ptr<environment> env = test::open_env(opts);
  stream_id printer = test::device_stream("C-1", "MFP-1");
  stream_id backup = test::service_stream("C-1", "data_backup");
  stream_id backup_of_1 = test::service_stream("C-1", "data_backup", "MFP-1");
  stream_id backup_of_2 = test::service_stream("C-1", "data_backup", "MFP-2");

  /// What a receiver does for instruction `seq`: effect count and watermark
  /// in one transaction.
  void apply(const stream_id& stream, uint64_t seq) {
    auto txn = env->begin_write();
    ONSET_VALUE(receiver_ledger::count_effect(txn, stream, seq));
    ONSET_OK(receiver_ledger::set_applied(txn, stream, seq));
    ONSET_OK(txn.commit());
  }

  void reopen() {
    env.reset();
    env = test::open_env(opts);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(receiver_ledger_tests, fixture)

CAF_TEST(the applied watermark and effect counts survive a reopen) {
  apply(printer, 1);
  apply(printer, 2);
  apply(backup, 1);
  reopen();
  auto txn = env->begin_read();
  CAF_CHECK_EQUAL(ONSET_VALUE(receiver_ledger::applied(txn, printer)), 2u);
  CAF_CHECK_EQUAL(ONSET_VALUE(receiver_ledger::applied(txn, backup)), 1u);
  CAF_CHECK_EQUAL(ONSET_VALUE(receiver_ledger::effect_count(txn, printer, 2)),
                  1u);
  CAF_CHECK_EQUAL(ONSET_VALUE(receiver_ledger::effect_count(txn, printer, 3)),
                  0u);
}

CAF_TEST(the watermark moves one step at a time and never back) {
  apply(printer, 1);
  auto txn = env->begin_write();
  ONSET_OK(receiver_ledger::set_applied(txn, printer, 1));
  CAF_CHECK(fails_with(receiver_ledger::set_applied(txn, printer, 3),
                       error_code::invalid_input, "expected 2"));
  CAF_CHECK(fails_with(receiver_ledger::set_applied(txn, printer, 0),
                       error_code::invalid_input, "expected 2"));
  CAF_CHECK_EQUAL(ONSET_VALUE(receiver_ledger::applied(txn, printer)), 1u);
}

CAF_TEST(effect counts add up and are listed by stream and seq) {
  {
    auto txn = env->begin_write();
    CAF_CHECK_EQUAL(ONSET_VALUE(receiver_ledger::count_effect(txn, printer, 1)),
                    1u);
    CAF_CHECK_EQUAL(ONSET_VALUE(receiver_ledger::count_effect(txn, printer, 1)),
                    2u);
    ONSET_VALUE(receiver_ledger::count_effect(txn, backup, 7));
    ONSET_OK(txn.commit());
  }
  std::vector<std::tuple<stream_id, uint64_t, uint64_t>> seen;
  auto txn = env->begin_read();
  ONSET_OK(receiver_ledger::for_each_effect(
    txn, [&](const stream_id& stream, uint64_t seq, uint64_t count) {
      seen.emplace_back(stream, seq, count);
    }));
  CAF_REQUIRE_EQUAL(seen.size(), 2u);
  CAF_CHECK(seen[0] == std::make_tuple(printer, uint64_t{1}, uint64_t{2}));
  CAF_CHECK(seen[1] == std::make_tuple(backup, uint64_t{7}, uint64_t{1}));
}

CAF_TEST(an effect aborted with its transaction is not counted) {
  {
    auto txn = env->begin_write();
    ONSET_VALUE(receiver_ledger::count_effect(txn, printer, 1));
    ONSET_OK(receiver_ledger::set_applied(txn, printer, 1));
  }
  auto txn = env->begin_read();
  CAF_CHECK_EQUAL(ONSET_VALUE(receiver_ledger::applied(txn, printer)), 0u);
  CAF_CHECK_EQUAL(ONSET_VALUE(receiver_ledger::effect_count(txn, printer, 1)),
                  0u);
}

CAF_TEST(service streams per printer are apart from each other and from a shared
           one of format 4) {
  apply(backup, 1);
  apply(backup_of_1, 1);
  apply(backup_of_1, 2);
  apply(backup_of_2, 1);
  reopen();
  std::vector<std::tuple<stream_id, uint64_t>> seen;
  auto txn = env->begin_read();
  CAF_CHECK_EQUAL(ONSET_VALUE(receiver_ledger::applied(txn, backup)), 1u);
  CAF_CHECK_EQUAL(ONSET_VALUE(receiver_ledger::applied(txn, backup_of_1)), 2u);
  CAF_CHECK_EQUAL(ONSET_VALUE(receiver_ledger::applied(txn, backup_of_2)), 1u);
  ONSET_OK(receiver_ledger::for_each_effect(txn, [&](const stream_id& stream,
                                                     uint64_t seq, uint64_t) {
    seen.emplace_back(stream, seq);
  }));
  CAF_REQUIRE_EQUAL(seen.size(), 4u);
  CAF_CHECK(seen[0] == std::make_tuple(backup, uint64_t{1}));
  CAF_CHECK(seen[1] == std::make_tuple(backup_of_1, uint64_t{1}));
  CAF_CHECK(seen[2] == std::make_tuple(backup_of_1, uint64_t{2}));
  CAF_CHECK(seen[3] == std::make_tuple(backup_of_2, uint64_t{1}));
  CAF_CHECK_EQUAL(backup_of_1.to_string(), "C-1>service/data_backup@MFP-1");
}

CAF_TEST_FIXTURE_SCOPE_END()
