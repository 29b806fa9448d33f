#define CAF_SUITE corrupt_record
#include <caf/test/unit_test.hpp>

#include "persistence/codec.hpp"
#include "persistence/contract_store.hpp"
#include "persistence/device_store.hpp"
#include "persistence/history_store.hpp"
#include "persistence/keys.hpp"
#include "persistence/outbox_store.hpp"
#include "persistence/timer_store.hpp"
#include "tests/support/persistence.hpp"

using namespace onset;
using namespace onset::persistence;
using onset::test::fails_with;

namespace {

std::string key_of(char tag, const std::string& id) {
  std::string key{tag};
  keys::put_str(key, id);
  return key;
}

struct fixture {
  test::temp_dir dir;
  environment_options opts = test::options_in(dir.path());
  std::unique_ptr<environment> env = test::open_env(opts);

  void raw_put(db which, const std::string& key, const std::string& value) {
    auto txn = env->begin_write();
    ONSET_OK(txn.put(which, key, value));
    ONSET_OK(txn.commit());
  }

  template <class F>
  void write(F fn) {
    auto txn = env->begin_write();
    fn(txn);
    ONSET_OK(txn.commit());
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(corrupt_record_tests, fixture)

CAF_TEST(a corrupt contract names db and key and the others keep working) {
  write([](write_txn& txn) {
    ONSET_OK(contract_store::put(txn, test::sample_contract("C-1")));
    ONSET_OK(contract_store::put(txn, test::sample_contract("C-3")));
  });
  raw_put(db::contracts, key_of('C', "C-2"), "\x01\x02garbage");
  auto txn = env->begin_read();
  CAF_CHECK(fails_with(contract_store::get(txn, contract_id{"C-2"}),
                       error_code::corrupt_record, "db=contracts key=C-2: "));
  CAF_CHECK(ONSET_VALUE(contract_store::get(txn, contract_id{"C-1"})));
  std::vector<std::string> loaded;
  std::vector<failure> corrupt;
  ONSET_OK(contract_store::for_each(
    txn, [&](const contract_record& x) { loaded.push_back(x.doc.id.str()); },
    [&](const failure& x) { corrupt.push_back(x); }));
  CAF_CHECK_EQUAL(loaded, (std::vector<std::string>{"C-1", "C-3"}));
  CAF_REQUIRE_EQUAL(corrupt.size(), 1u);
  CAF_CHECK(fails_with(status{corrupt[0]}, error_code::corrupt_record,
                       "db=contracts key=C-2: "));
}

CAF_TEST(a truncated record is corrupt) {
  auto bytes = codec::encode(test::sample_device("MFP-1"));
  raw_put(db::devices, key_of('D', "MFP-1"), bytes.substr(0, bytes.size() / 2));
  auto txn = env->begin_read();
  CAF_CHECK(fails_with(device_store::get(txn, device_id{"MFP-1"}),
                       error_code::corrupt_record, "db=devices key=MFP-1: "));
}

CAF_TEST(bytes left over after a record make it corrupt) {
  auto bytes = codec::encode(test::sample_device("MFP-1"));
  raw_put(db::devices, key_of('D', "MFP-1"), bytes + "xx");
  auto txn = env->begin_read();
  CAF_CHECK(fails_with(device_store::get(txn, device_id{"MFP-1"}),
                       error_code::corrupt_record, "2 bytes left over"));
}

CAF_TEST(an enum value no build wrote is corrupt) {
  due_timer timer{utc_time{100}, contract_id{"C-1"}, timer_kind::end};
  write([&](write_txn& txn) { ONSET_OK(timer_store::put(txn, timer)); });
  // The kind is the last byte of the record.
  auto bytes = codec::encode(timer);
  CAF_REQUIRE_EQUAL(bytes.back(), '\x01');
  bytes.back() = '\x09';
  write([&](write_txn& txn) {
    auto all = ONSET_VALUE(timer_store::all(txn));
    CAF_REQUIRE_EQUAL(all.size(), 1u);
    // Overwrite the value under the timer's own key.
    cursor cur{txn, db::timers};
    CAF_REQUIRE(cur.first());
    std::string key{cur.key()};
    ONSET_OK(txn.put(db::timers, key, bytes));
  });
  auto txn = env->begin_read();
  CAF_CHECK(fails_with(timer_store::all(txn), error_code::corrupt_record,
                       "timer_kind out of range: 9"));
  CAF_CHECK(fails_with(timer_store::all(txn), error_code::corrupt_record,
                       "db=timers key=1970-01-01T00:01:40Z end C-1"));
}

CAF_TEST(a corrupt instruction fails pending and get for that seq only) {
  auto stream = test::device_stream("C-1", "MFP-1");
  write([&](write_txn& txn) {
    for (uint64_t seq = 1; seq <= 3; ++seq)
      ONSET_OK(
        outbox_store::append(txn, test::sample_instruction(stream, seq)));
  });
  write([&](write_txn& txn) {
    std::string key{'I'};
    keys::put_stream(key, stream);
    keys::put_be64(key, 2);
    ONSET_OK(txn.put(db::outbox, key, "not an archive"));
  });
  auto txn = env->begin_read();
  auto where = "db=outbox key=instruction C-1>device/MFP-1 seq=2";
  CAF_CHECK(fails_with(outbox_store::pending(txn, stream),
                       error_code::corrupt_record, where));
  CAF_CHECK(fails_with(outbox_store::get(txn, stream, 2),
                       error_code::corrupt_record, where));
  CAF_CHECK(ONSET_VALUE(outbox_store::get(txn, stream, 3)));
}

CAF_TEST(a malformed watermark is corrupt) {
  auto stream = test::device_stream("C-1", "MFP-1");
  std::string key{'S'};
  keys::put_stream(key, stream);
  raw_put(db::outbox, key, "short");
  auto txn = env->begin_read();
  CAF_CHECK(fails_with(outbox_store::acked(txn, stream),
                       error_code::corrupt_record,
                       "db=outbox key=stream C-1>device/MFP-1"));
}

CAF_TEST(a record of a newer class version gives format_mismatch) {
  auto stream = test::device_stream("C-1", "MFP-1");
  auto x = test::sample_instruction(stream, 1);
  write([&](write_txn& txn) { ONSET_OK(outbox_store::append(txn, x)); });
  // Byte 0 is the tracking flag, bytes 1-4 the class version (little
  // endian) of the record's own type.
  auto bytes = codec::encode(x);
  CAF_REQUIRE_EQUAL(bytes.substr(0, 5), std::string("\x00\x01\x00\x00\x00", 5));
  bytes[1] = '\x02';
  std::string key{'I'};
  keys::put_stream(key, stream);
  keys::put_be64(key, 1);
  raw_put(db::outbox, key, bytes);
  auto txn = env->begin_read();
  CAF_CHECK(fails_with(outbox_store::get(txn, stream, 1),
                       error_code::format_mismatch,
                       "key=instruction C-1>device/MFP-1 seq=1: written by a "
                       "newer build"));
}

CAF_TEST_FIXTURE_SCOPE_END()
