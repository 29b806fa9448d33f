#define CAF_SUITE outbox_store
#include <caf/test/unit_test.hpp>

#include "persistence/outbox_store.hpp"
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

  void append(const stream_id& stream, uint64_t seq) {
    auto txn = env->begin_write();
    ONSET_OK(outbox_store::append(txn, test::sample_instruction(stream, seq)));
    ONSET_OK(txn.commit());
  }

  bool ack(const stream_id& stream, uint64_t seq) {
    auto txn = env->begin_write();
    auto moved = ONSET_VALUE(outbox_store::ack(txn, stream, seq));
    ONSET_OK(txn.commit());
    return moved;
  }

  void reopen() {
    env.reset();
    env = test::open_env(opts);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(outbox_store_tests, fixture)

CAF_TEST(appended instructions read back in order and survive a reopen) {
  for (uint64_t seq = 1; seq <= 3; ++seq)
    append(printer, seq);
  append(backup, 1);
  reopen();
  auto txn = env->begin_read();
  CAF_CHECK_EQUAL(ONSET_VALUE(outbox_store::last_seq(txn, printer)), 3u);
  CAF_CHECK_EQUAL(ONSET_VALUE(outbox_store::acked(txn, printer)), 0u);
  auto pending = ONSET_VALUE(outbox_store::pending(txn, printer));
  CAF_REQUIRE_EQUAL(pending.size(), 3u);
  for (uint64_t seq = 1; seq <= 3; ++seq)
    CAF_CHECK_EQUAL(pending[seq - 1], test::sample_instruction(printer, seq));
  auto second = ONSET_VALUE(outbox_store::get(txn, printer, 2));
  CAF_CHECK_EQUAL(second, test::sample_instruction(printer, 2));
  CAF_CHECK(!ONSET_VALUE(outbox_store::get(txn, printer, 4)));
  auto streams = ONSET_VALUE(outbox_store::streams_of(txn, contract_id{"C-1"}));
  CAF_CHECK_EQUAL(streams.size(), 2u);
  CAF_CHECK(std::find(streams.begin(), streams.end(), printer)
            != streams.end());
  CAF_CHECK(std::find(streams.begin(), streams.end(), backup) != streams.end());
  CAF_CHECK(
    ONSET_VALUE(outbox_store::streams_of(txn, contract_id{"C-10"})).empty());
}

CAF_TEST(an out of order append is refused and changes nothing) {
  append(printer, 1);
  auto txn = env->begin_write();
  CAF_CHECK(
    fails_with(outbox_store::append(txn, test::sample_instruction(printer, 3)),
               error_code::invalid_input, "expected 2"));
  CAF_CHECK(
    fails_with(outbox_store::append(txn, test::sample_instruction(printer, 1)),
               error_code::invalid_input, "expected 2"));
  CAF_CHECK(
    fails_with(outbox_store::append(txn, test::sample_instruction(backup, 0)),
               error_code::invalid_input, "expected 1"));
  CAF_CHECK_EQUAL(ONSET_VALUE(outbox_store::last_seq(txn, printer)), 1u);
  CAF_CHECK(!ONSET_VALUE(outbox_store::get(txn, printer, 3)));
}

CAF_TEST(acks move the watermark and the watermark survives a reopen) {
  for (uint64_t seq = 1; seq <= 4; ++seq)
    append(printer, seq);
  CAF_CHECK(ack(printer, 2));
  reopen();
  auto txn = env->begin_read();
  CAF_CHECK_EQUAL(ONSET_VALUE(outbox_store::acked(txn, printer)), 2u);
  auto pending = ONSET_VALUE(outbox_store::pending(txn, printer));
  CAF_REQUIRE_EQUAL(pending.size(), 2u);
  CAF_CHECK_EQUAL(pending[0].seq, 3u);
  CAF_CHECK_EQUAL(pending[1].seq, 4u);
  // Acknowledged instructions stay readable.
  CAF_CHECK(ONSET_VALUE(outbox_store::get(txn, printer, 1)));
}

CAF_TEST(an ack at or below the watermark is a no - op) {
  for (uint64_t seq = 1; seq <= 3; ++seq)
    append(printer, seq);
  CAF_CHECK(ack(printer, 2));
  CAF_CHECK(!ack(printer, 2));
  CAF_CHECK(!ack(printer, 1));
  CAF_CHECK(!ack(printer, 0));
  auto txn = env->begin_read();
  CAF_CHECK_EQUAL(ONSET_VALUE(outbox_store::acked(txn, printer)), 2u);
}

CAF_TEST(an ack beyond the last appended seq is refused) {
  append(printer, 1);
  auto txn = env->begin_write();
  CAF_CHECK(fails_with(outbox_store::ack(txn, printer, 2),
                       error_code::invalid_input, "beyond the last appended"));
  CAF_CHECK(fails_with(outbox_store::ack(txn, backup, 1),
                       error_code::invalid_input, "beyond the last appended"));
  CAF_CHECK_EQUAL(ONSET_VALUE(outbox_store::acked(txn, printer)), 0u);
}

CAF_TEST(an unknown stream is empty) {
  auto txn = env->begin_read();
  CAF_CHECK_EQUAL(ONSET_VALUE(outbox_store::last_seq(txn, printer)), 0u);
  CAF_CHECK_EQUAL(ONSET_VALUE(outbox_store::acked(txn, printer)), 0u);
  CAF_CHECK(ONSET_VALUE(outbox_store::pending(txn, printer)).empty());
}

CAF_TEST(streams of contracts whose ids share a prefix stay apart) {
  auto other = test::device_stream("C-10", "MFP-1");
  append(printer, 1);
  append(other, 1);
  append(other, 2);
  auto txn = env->begin_read();
  auto streams = ONSET_VALUE(outbox_store::streams_of(txn, contract_id{"C-1"}));
  CAF_REQUIRE_EQUAL(streams.size(), 1u);
  CAF_CHECK_EQUAL(streams[0], printer);
  CAF_CHECK_EQUAL(ONSET_VALUE(outbox_store::last_seq(txn, printer)), 1u);
  CAF_CHECK_EQUAL(ONSET_VALUE(outbox_store::last_seq(txn, other)), 2u);
}

CAF_TEST(an advance appends then acks with one write of the watermarks) {
  append(printer, 1);
  auto second = test::sample_instruction(printer, 2);
  auto third = test::sample_instruction(printer, 3);
  {
    auto txn = env->begin_write();
    CAF_CHECK(
      ONSET_VALUE(outbox_store::advance(txn, printer, {&second, &third}, 2)));
    // Two instructions and one stream record, not a stream record each.
    CAF_CHECK_EQUAL(txn.records(), 3u);
    ONSET_OK(txn.commit());
  }
  reopen();
  auto txn = env->begin_read();
  CAF_CHECK_EQUAL(ONSET_VALUE(outbox_store::last_seq(txn, printer)), 3u);
  CAF_CHECK_EQUAL(ONSET_VALUE(outbox_store::acked(txn, printer)), 2u);
  auto pending = ONSET_VALUE(outbox_store::pending(txn, printer));
  CAF_REQUIRE_EQUAL(pending.size(), 1u);
  CAF_CHECK_EQUAL(pending[0], third);
}

CAF_TEST(an advance refuses a gap an ack beyond its appends and a stranger) {
  append(printer, 1);
  auto txn = env->begin_write();
  auto third = test::sample_instruction(printer, 3);
  CAF_CHECK(fails_with(outbox_store::advance(txn, printer, {&third}, 0),
                       error_code::invalid_input, "expected 2"));
  auto second = test::sample_instruction(printer, 2);
  CAF_CHECK(fails_with(outbox_store::advance(txn, printer, {&second}, 3),
                       error_code::invalid_input, "beyond the last appended"));
  auto theirs = test::sample_instruction(backup, 1);
  CAF_CHECK(fails_with(outbox_store::advance(txn, printer, {&theirs}, 0),
                       error_code::invalid_input, "of stream"));
  // An ack at or below the watermark changes nothing and writes nothing.
  auto before = txn.records();
  CAF_CHECK(!ONSET_VALUE(outbox_store::advance(txn, printer, {}, 0)));
  CAF_CHECK_EQUAL(txn.records(), before);
}

CAF_TEST_FIXTURE_SCOPE_END()
