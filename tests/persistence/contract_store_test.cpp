#define CAF_SUITE contract_store
#include <algorithm>
#include <map>

#include <caf/test/unit_test.hpp>

#include "persistence/codec.hpp"
#include "persistence/contract_delta.hpp"
#include "persistence/contract_store.hpp"
#include "persistence/keys.hpp"
#include "tests/support/persistence.hpp"

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

  /// Every key of db contracts, printable, in order.
  std::vector<std::string> contract_keys() {
    std::vector<std::string> out;
    auto txn = env->begin_read();
    ONSET_OK(scan_prefix(txn, db::contracts, "",
                         [&](std::string_view key, std::string_view) {
                           out.push_back(keys::printable(key));
                           return true;
                         }));
    return out;
  }

  /// The printable keys `write(d)` puts or deletes, and how many records
  /// its transaction wrote.
  std::pair<std::vector<std::string>, uint64_t>
  keys_written_by(const contract_delta& d) {
    auto before = values();
    auto txn = env->begin_write();
    ONSET_OK(contract_store::write(txn, contract_id{"C-1"}, d));
    auto records = txn.records();
    ONSET_OK(txn.commit());
    auto after = values();
    std::vector<std::string> changed;
    for (auto& [k, v] : after)
      if (before.count(k) == 0 || before[k] != v)
        changed.push_back(keys::printable(k));
    for (auto& [k, v] : before)
      if (after.count(k) == 0)
        changed.push_back(keys::printable(k));
    return {changed, records};
  }

  std::map<std::string, std::string> values() {
    std::map<std::string, std::string> out;
    auto txn = env->begin_read();
    ONSET_OK(scan_prefix(txn, db::contracts, "",
                         [&](std::string_view key, std::string_view value) {
                           out.emplace(key, value);
                           return true;
                         }));
    return out;
  }

  void raw_put(const std::string& key, const std::string& value) {
    auto txn = env->begin_write();
    ONSET_OK(txn.put(db::contracts, key, value));
    ONSET_OK(txn.commit());
  }
};

std::string prefix_of(const std::string& id) {
  std::string key{'C'};
  keys::put_str(key, id);
  return key;
}

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
  ONSET_OK(contract_store::for_each(txn, [&](const contract_record& x) {
    ids.push_back(x.doc.id.str());
  }));
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

CAF_TEST(a record is stored as document status and one part per ledger entry) {
  put(test::sample_contract("C-1"));
  // 'C' id:str then D (document), L device:str, S (status), V service device.
  CAF_CHECK_EQUAL(contract_keys(),
                  (std::vector<std::string>{
                    "C\\x00\\x03C-1D", "C\\x00\\x03C-1L\\x00\\x05MFP-1",
                    "C\\x00\\x03C-1S",
                    "C\\x00\\x03C-1V\\x00\\x0Bdata_backup\\x00\\x05MFP-1"}));
}

CAF_TEST(a delta round - trips through a reopen) {
  auto before = test::sample_contract("C-1");
  put(before);
  auto after = before;
  after.state = contract_state::degraded;
  after.reason = "refused";
  after.ledger.devices[device_id{"MFP-1"}].apps.push_back("scan-agent");
  after.ledger.devices[device_id{"MFP-2"}].firmware
    = *firmware_version::parse("4.0");
  after.ledger.services.clear();
  auto d = diff(before, after);
  CAF_CHECK(!d.doc);
  CAF_CHECK(d.status);
  CAF_CHECK_EQUAL(d.devices.size(), 2u);
  CAF_CHECK_EQUAL(d.services.size(), 1u);
  auto copy = before;
  apply(d, copy);
  CAF_CHECK_EQUAL(copy, after);
  {
    auto txn = env->begin_write();
    ONSET_OK(contract_store::write(txn, contract_id{"C-1"}, d));
    ONSET_OK(txn.commit());
  }
  reopen();
  auto txn = env->begin_read();
  CAF_CHECK_EQUAL(ONSET_VALUE(contract_store::get(txn, contract_id{"C-1"})),
                  after);
  CAF_CHECK(diff(after, after).empty());
}

CAF_TEST(an ack writes only the ledger entry it changed) {
  auto before = test::sample_contract("C-1");
  put(before);
  auto after = before;
  after.ledger.devices[device_id{"MFP-1"}].firmware
    = *firmware_version::parse("3.11");
  auto [changed, records] = keys_written_by(diff(before, after));
  CAF_CHECK_EQUAL(records, 1u);
  CAF_CHECK_EQUAL(changed,
                  (std::vector<std::string>{"C\\x00\\x03C-1L\\x00\\x05MFP-1"}));
  auto service_ack = after;
  service_ack.ledger.services[service_id{"data_backup"}][device_id{"MFP-1"}]
    .active
    = true;
  service_ack.state = contract_state::active;
  auto [changed2, records2] = keys_written_by(diff(after, service_ack));
  CAF_CHECK_EQUAL(records2, 2u);
  CAF_CHECK_EQUAL(changed2,
                  (std::vector<std::string>{
                    "C\\x00\\x03C-1S",
                    "C\\x00\\x03C-1V\\x00\\x0Bdata_backup\\x00\\x05MFP-1"}));
}

CAF_TEST(a put removes the parts of the previous record) {
  put(test::sample_contract("C-1"));
  auto smaller = test::sample_contract("C-1", 2);
  smaller.ledger.services.clear();
  put(smaller);
  CAF_CHECK_EQUAL(contract_keys().size(), 3u);
  auto txn = env->begin_read();
  CAF_CHECK_EQUAL(ONSET_VALUE(contract_store::get(txn, contract_id{"C-1"})),
                  smaller);
}

CAF_TEST(a corrupt or missing part makes its contract corrupt) {
  put(test::sample_contract("C-1"));
  put(test::sample_contract("C-2"));
  put(test::sample_contract("C-3"));
  raw_put(prefix_of("C-1") + "S", "\x07garbage");
  {
    auto txn = env->begin_write();
    CAF_REQUIRE(ONSET_VALUE(txn.del(db::contracts, prefix_of("C-3") + "D")));
    ONSET_OK(txn.commit());
  }
  auto txn = env->begin_read();
  CAF_CHECK(fails_with(contract_store::get(txn, contract_id{"C-1"}),
                       error_code::corrupt_record,
                       "db=contracts key=C-1/status: "));
  CAF_CHECK(fails_with(contract_store::get(txn, contract_id{"C-3"}),
                       error_code::corrupt_record,
                       "db=contracts key=C-3: parts without a document"));
  std::vector<std::string> loaded;
  std::vector<failure> corrupt;
  ONSET_OK(contract_store::for_each(
    txn, [&](const contract_record& x) { loaded.push_back(x.doc.id.str()); },
    [&](const failure& x) { corrupt.push_back(x); }));
  CAF_CHECK_EQUAL(loaded, (std::vector<std::string>{"C-2"}));
  CAF_CHECK_EQUAL(corrupt.size(), 2u);
}

CAF_TEST(a format 1 record in a current store makes its contract corrupt) {
  put(test::sample_contract("C-1"));
  raw_put(prefix_of("C-1"), codec::encode(test::sample_contract("C-1")));
  auto txn = env->begin_read();
  CAF_CHECK(fails_with(contract_store::get(txn, contract_id{"C-1"}),
                       error_code::corrupt_record,
                       "db=contracts key=C-1: a format 1 record (the whole "
                       "contract under one key) in a store of format "
                         + std::to_string(environment::format_version)));
}

CAF_TEST(a format 1 store is upgraded at open) {
  auto one = test::sample_contract("C-1");
  auto two = test::sample_contract("C-10", 3);
  two.state = contract_state::ended;
  two.ending = true;
  {
    auto txn = env->begin_write();
    test::set_format(txn, 1);
    // Format 1: the whole record (version 1 archive) under 'C' id:str.
    ONSET_OK(txn.put(db::contracts, prefix_of("C-1"), codec::encode(one)));
    ONSET_OK(txn.put(db::contracts, prefix_of("C-10"), codec::encode(two)));
    ONSET_OK(txn.commit());
  }
  reopen();
  {
    auto txn = env->begin_read();
    CAF_CHECK_EQUAL(test::stored_format(txn), environment::format_version);
    CAF_CHECK_EQUAL(ONSET_VALUE(contract_store::get(txn, contract_id{"C-1"})),
                    one);
    CAF_CHECK_EQUAL(ONSET_VALUE(contract_store::get(txn, contract_id{"C-10"})),
                    two);
  }
  // No format 1 key is left: 4 parts per contract (D, L, S, V).
  auto stored = contract_keys();
  CAF_CHECK_EQUAL(std::count(stored.begin(), stored.end(),
                             keys::printable(prefix_of("C-1"))),
                  0);
  CAF_CHECK_EQUAL(stored.size(), 8u);
}

CAF_TEST(a format 1 store with a corrupt record is refused and left as it was) {
  {
    auto txn = env->begin_write();
    test::set_format(txn, 1);
    ONSET_OK(txn.put(db::contracts, prefix_of("C-1"),
                     codec::encode(test::sample_contract("C-1"))));
    ONSET_OK(txn.put(db::contracts, prefix_of("C-2"), "\x01\x02garbage"));
    ONSET_OK(txn.commit());
  }
  env.reset();
  auto refused = environment::open(opts);
  CAF_CHECK(fails_with(refused, error_code::corrupt_record,
                       "upgrade from format 1 to "
                         + std::to_string(environment::format_version)
                         + " failed: db=contracts key=C-2: "));
  refused = environment::open(opts);
  CAF_CHECK(fails_with(refused, error_code::corrupt_record, "key=C-2: "));
}

CAF_TEST(a contract without an id is refused) {
  auto txn = env->begin_write();
  CAF_CHECK(fails_with(contract_store::put(txn, contract_record{}),
                       error_code::invalid_input));
  contract_delta d;
  d.doc = test::sample_contract("C-2").doc;
  CAF_CHECK(fails_with(contract_store::write(txn, contract_id{"C-1"}, d),
                       error_code::invalid_input, "written as contract C-1"));
}

CAF_TEST_FIXTURE_SCOPE_END()
