#define CAF_SUITE history_store
#include <caf/test/unit_test.hpp>

#include "persistence/codec.hpp"
#include "persistence/feed_store.hpp"
#include "persistence/history_store.hpp"
#include "persistence/keys.hpp"
#include "tests/support/persistence.hpp"

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
      CAF_CHECK_EQUAL(
        ONSET_VALUE(history_store::append(txn, contract_id{"C-1"}, one.back())),
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

CAF_TEST(the lines of one append are one record and list in order) {
  auto c1 = contract_id{"C-1"};
  std::vector<history_entry> all;
  {
    auto txn = env->begin_write();
    all.push_back(entry(1, history_kind::accepted, "version=1"));
    CAF_CHECK_EQUAL(ONSET_VALUE(history_store::append(txn, c1, all.back())),
                    1u);
    std::vector<history_entry> step{entry(2, history_kind::acked, "seq=1"),
                                    entry(2, history_kind::sent, "seq=2"),
                                    entry(2, history_kind::transition,
                                          "provisioning->active")};
    auto before = txn.records();
    CAF_CHECK_EQUAL(ONSET_VALUE(history_store::append(txn, c1, step)), 4u);
    CAF_CHECK_EQUAL(txn.records() - before, 1u);
    all.insert(all.end(), step.begin(), step.end());
    ONSET_OK(txn.commit());
  }
  reopen();
  auto txn = env->begin_write();
  all.push_back(entry(3, history_kind::acked, "seq=2"));
  CAF_CHECK_EQUAL(ONSET_VALUE(history_store::append(txn, c1, all.back())), 5u);
  CAF_CHECK_EQUAL(ONSET_VALUE(history_store::list(txn, c1)), all);
  CAF_CHECK(test::fails_with(
    history_store::append(txn, c1, std::vector<history_entry>{}),
    error_code::invalid_input, "at least one line"));
}

CAF_TEST(a format 2 history is upgraded at open to records of one line) {
  std::vector<history_entry> lines{entry(1, history_kind::accepted, "v=1"),
                                   entry(2, history_kind::sent, "seq=1")};
  {
    auto txn = env->begin_write();
    test::set_format(txn, 2);
    // Format 2: one line per record, archive(history_entry), under its index.
    for (uint64_t i = 1; i <= lines.size(); ++i) {
      std::string key{'H'};
      keys::put_str(key, "C-1");
      keys::put_be64(key, i);
      ONSET_OK(txn.put(db::history, key, codec::encode(lines[i - 1])));
    }
    ONSET_OK(txn.commit());
  }
  reopen();
  auto txn = env->begin_write();
  CAF_CHECK_EQUAL(test::stored_format(txn), environment::format_version);
  CAF_CHECK_EQUAL(ONSET_VALUE(history_store::list(txn, contract_id{"C-1"})),
                  lines);
  lines.push_back(entry(3, history_kind::acked, "seq=1"));
  CAF_CHECK_EQUAL(
    ONSET_VALUE(history_store::append(txn, contract_id{"C-1"}, lines.back())),
    3u);
  CAF_CHECK_EQUAL(ONSET_VALUE(history_store::list(txn, contract_id{"C-1"})),
                  lines);
}

CAF_TEST(a format 2 history with a corrupt line is refused at open) {
  {
    auto txn = env->begin_write();
    test::set_format(txn, 2);
    std::string key{'H'};
    keys::put_str(key, "C-1");
    keys::put_be64(key, 1);
    ONSET_OK(txn.put(db::history, key, "\x01\x02garbage"));
    ONSET_OK(txn.commit());
  }
  env.reset();
  CAF_CHECK(test::fails_with(environment::open(opts),
                             error_code::corrupt_record,
                             "upgrade from format 2 to"));
}

CAF_TEST(
  a prune of the feed removes expired events in chunks but never the last) {
  // Events at times 10, 20, ..., 60 at positions 1 to 6.
  auto event_at = [](int64_t at) {
    contract_event x;
    x.id = "e" + std::to_string(at);
    x.at = utc_time{at};
    x.type = "contract.accepted";
    x.contract = contract_id{"C-1"};
    x.customer = customer_id{"acme"};
    return x;
  };
  {
    auto txn = env->begin_write();
    for (int64_t at = 10; at <= 60; at += 10)
      ONSET_VALUE(feed_store::append(txn, event_at(at)));
    ONSET_OK(txn.commit());
  }
  auto positions = [this] {
    auto txn = env->begin_read();
    std::vector<uint64_t> result;
    for (auto& x : ONSET_VALUE(feed_store::after(txn, 0, 100)))
      result.push_back(x.position);
    return result;
  };
  auto prune = [this](int64_t cutoff, size_t limit) {
    auto txn = env->begin_write();
    auto removed = ONSET_VALUE(feed_store::prune(txn, utc_time{cutoff}, limit));
    ONSET_OK(txn.commit());
    return removed;
  };
  CAF_MESSAGE("before 35: events 1 to 3, two per chunk");
  {
    auto txn = env->begin_read();
    CAF_CHECK_EQUAL(ONSET_VALUE(feed_store::expired(txn, utc_time{35}, 100)),
                    3u);
  }
  CAF_CHECK_EQUAL(prune(35, 2), 2u);
  CAF_CHECK_EQUAL(positions(), (std::vector<uint64_t>{3, 4, 5, 6}));
  CAF_CHECK_EQUAL(prune(35, 2), 1u);
  CAF_CHECK_EQUAL(prune(35, 2), 0u);
  CAF_CHECK_EQUAL(positions(), (std::vector<uint64_t>{4, 5, 6}));
  {
    auto txn = env->begin_read();
    CAF_CHECK_EQUAL(ONSET_VALUE(feed_store::first(txn)), 4u);
    auto from_start = ONSET_VALUE(feed_store::after(txn, 1, 100));
    CAF_REQUIRE_EQUAL(from_start.size(), 3u);
    CAF_CHECK_EQUAL(from_start[0], [&] {
      auto x = event_at(40);
      x.position = 4;
      return x;
    }());
  }
  CAF_MESSAGE("all expired: the newest stays, and positions go on after it");
  CAF_CHECK_EQUAL(prune(1000, 100), 2u);
  CAF_CHECK_EQUAL(positions(), (std::vector<uint64_t>{6}));
  reopen();
  auto txn = env->begin_write();
  CAF_CHECK_EQUAL(ONSET_VALUE(feed_store::append(txn, event_at(70))), 7u);
}

CAF_TEST_FIXTURE_SCOPE_END()
