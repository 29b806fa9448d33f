#define CAF_SUITE environment
#include <filesystem>
#include <fstream>
#include <lmdb.h>
#include <thread>

#include <caf/test/unit_test.hpp>

#include "persistence/environment.hpp"
#include "persistence/keys.hpp"
#include "tests/support/persistence.hpp"

using namespace onset;
using namespace onset::persistence;
using onset::test::fails_with;

namespace {

struct fixture {
  test::temp_dir dir;
  environment_options opts = test::options_in(dir.path() + "/node");

  std::optional<std::string> read_value(environment& env, db which,
                                        const std::string& key) {
    auto txn = env.begin_read();
    auto value = ONSET_VALUE(txn.get(which, key));
    if (!value)
      return std::nullopt;
    return std::string{*value};
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(environment_tests, fixture)

CAF_TEST(open creates the directory and writes the format key) {
  auto env = test::open_env(opts);
  CAF_CHECK(std::filesystem::exists(opts.directory + "/data.mdb"));
  auto format = read_value(*env, db::meta, "format");
  CAF_REQUIRE(format);
  CAF_CHECK_EQUAL(*format,
                  keys::be64_value(environment::format_version).substr(4));
  CAF_CHECK_EQUAL(env->readers_cleared_at_open(), 0);
  CAF_CHECK_EQUAL(env->check_readers(), 0);
  CAF_CHECK_EQUAL(env->map_size(), opts.map_size);
  CAF_CHECK(env->sync() == sync_mode::durable);
}

CAF_TEST(committed writes survive a reopen and aborted ones do not ) {
  {
    auto env = test::open_env(opts);
    auto txn = env->begin_write();
    ONSET_OK(txn.put(db::contracts, "kept", "1"));
    ONSET_OK(txn.commit());
    auto dropped = env->begin_write();
    ONSET_OK(dropped.put(db::contracts, "dropped", "2"));
    // The destructor aborts.
  }
  auto env = test::open_env(opts);
  CAF_CHECK_EQUAL(read_value(*env, db::contracts, "kept"), std::string{"1"});
  CAF_CHECK(!read_value(*env, db::contracts, "dropped"));
}

CAF_TEST(a child transaction commits into its parent or vanishes) {
  auto env = test::open_env(opts);
  {
    auto txn = env->begin_write();
    ONSET_OK(txn.put(db::devices, "parent", "p"));
    {
      auto child = txn.begin_nested();
      CAF_REQUIRE(child);
      ONSET_OK(child.put(db::devices, "undone", "u"));
      child.abort();
    }
    {
      auto child = txn.begin_nested();
      ONSET_OK(child.put(db::devices, "merged", "m"));
      ONSET_OK(child.commit());
    }
    CAF_CHECK_EQUAL(txn.records(), 2u);
    ONSET_OK(txn.commit());
  }
  CAF_CHECK(read_value(*env, db::devices, "parent"));
  CAF_CHECK(read_value(*env, db::devices, "merged"));
  CAF_CHECK(!read_value(*env, db::devices, "undone"));
}

CAF_TEST(an ended transaction refuses further use) {
  auto env = test::open_env(opts);
  auto txn = env->begin_write();
  ONSET_OK(txn.commit());
  CAF_CHECK(!txn);
  CAF_CHECK(fails_with(txn.put(db::meta, "k", "v"), error_code::storage_failure,
                       "ended"));
  CAF_CHECK(fails_with(txn.commit(), error_code::storage_failure, "ended"));
  auto snapshot = env->begin_read();
  snapshot.abort();
  CAF_CHECK(fails_with(snapshot.get(db::meta, "format"),
                       error_code::storage_failure, "ended"));
}

CAF_TEST(an overlong key is refused with a clear error) {
  auto env = test::open_env(opts);
  auto txn = env->begin_write();
  CAF_CHECK(fails_with(txn.put(db::contracts, std::string(600, 'k'), "v"),
                       error_code::invalid_input, "1 to 511 bytes, not 600"));
  CAF_CHECK(fails_with(txn.put(db::contracts, "", "v"),
                       error_code::invalid_input, "db=contracts"));
  ONSET_OK(txn.commit());
}

CAF_TEST(a commit on another thread is refused and the lock stays usable) {
  auto env = test::open_env(opts);
  {
    auto txn = env->begin_write();
    ONSET_OK(txn.put(db::contracts, "k", "v"));
    status committed;
    std::thread other{[&] { committed = txn.commit(); }};
    other.join();
    CAF_CHECK(
      fails_with(committed, error_code::storage_failure, "another thread"));
    // The destructor aborts here, on the thread that began it.
  }
  auto txn = env->begin_write();
  CAF_REQUIRE(txn);
  ONSET_OK(txn.commit());
  CAF_CHECK(!read_value(*env, db::contracts, "k"));
}

CAF_TEST(grow_map adds the growth step) {
  auto env = test::open_env(opts);
  auto before = env->map_size();
  ONSET_OK(env->grow_map());
  CAF_CHECK_EQUAL(env->map_size(), before + opts.map_growth);
  // A reopen keeps at least the grown size.
  env.reset();
  env = test::open_env(opts);
  CAF_CHECK_GREATER_OR_EQUAL(env->map_size(), before);
}

CAF_TEST(every sync mode opens and says which it is) {
  for (auto mode :
       {sync_mode::durable, sync_mode::no_meta_sync, sync_mode::no_sync}) {
    auto o = opts;
    o.directory = dir.path() + "/" + to_string(mode);
    o.sync = mode;
    auto env = test::open_env(o);
    CAF_CHECK(env->sync() == mode);
    auto txn = env->begin_write();
    ONSET_OK(txn.put(db::history, "k", "v"));
    ONSET_OK(txn.commit());
    ONSET_OK(env->sync_to_disk());
  }
}

CAF_TEST(a newer format version is refused with format_mismatch) {
  {
    auto env = test::open_env(opts);
    auto txn = env->begin_write();
    std::string newer;
    keys::put_be32(newer, environment::format_version + 1);
    ONSET_OK(txn.put(db::meta, "format", newer));
    ONSET_OK(txn.commit());
  }
  auto env = environment::open(opts);
  // Both versions named; the directory left in its format.
  CAF_CHECK(fails_with(env, error_code::format_mismatch,
                       "written in format "
                         + std::to_string(environment::format_version + 1)
                         + " by a newer build; this build reads format "
                         + std::to_string(environment::format_version)));
  auto reopened = environment::open(opts);
  CAF_CHECK(fails_with(reopened, error_code::format_mismatch,
                       "written in format "
                         + std::to_string(environment::format_version + 1)));
}

CAF_TEST(a format older than any upgrade is refused with format_mismatch) {
  {
    auto env = test::open_env(opts);
    auto txn = env->begin_write();
    std::string older;
    keys::put_be32(older, environment::oldest_upgradable_format - 1);
    ONSET_OK(txn.put(db::meta, "format", older));
    ONSET_OK(txn.commit());
  }
  auto env = environment::open(opts);
  CAF_CHECK(fails_with(env, error_code::format_mismatch,
                       "written in format 0; this build reads format"));
}

CAF_TEST(an environment with data but no format key is refused) {
  std::filesystem::create_directories(opts.directory);
  MDB_env* raw = nullptr;
  CAF_REQUIRE_EQUAL(mdb_env_create(&raw), 0);
  mdb_env_set_maxdbs(raw, 4);
  CAF_REQUIRE_EQUAL(mdb_env_open(raw, opts.directory.c_str(), 0, 0640), 0);
  MDB_txn* txn = nullptr;
  CAF_REQUIRE_EQUAL(mdb_txn_begin(raw, nullptr, 0, &txn), 0);
  MDB_dbi other;
  CAF_REQUIRE_EQUAL(mdb_dbi_open(txn, "other", MDB_CREATE, &other), 0);
  CAF_REQUIRE_EQUAL(mdb_txn_commit(txn), 0);
  mdb_env_close(raw);
  auto env = environment::open(opts);
  CAF_CHECK(fails_with(env, error_code::format_mismatch, "no Onset format"));
}

CAF_TEST(a file that is not LMDB is refused with format_mismatch) {
  std::filesystem::create_directories(opts.directory);
  {
    std::ofstream out{opts.directory + "/data.mdb", std::ios::binary};
    out << std::string(16384, 'x');
  }
  auto env = environment::open(opts);
  CAF_CHECK(fails_with(env, error_code::format_mismatch, "not an LMDB"));
}

CAF_TEST(bad options are refused) {
  auto o = opts;
  o.directory.clear();
  CAF_CHECK(fails_with(environment::open(o), error_code::invalid_input));
  o = opts;
  o.map_growth = 0;
  CAF_CHECK(fails_with(environment::open(o), error_code::invalid_input));
}

CAF_TEST(an injected panic fails the commit after N good ones and then all) {
  opts.test_fault = ONSET_VALUE(parse_storage_fault("panic_after:1"));
  auto env = test::open_env(opts);
  auto first = env->begin_write();
  ONSET_OK(first.put(db::contracts, "kept", "1"));
  ONSET_OK(first.commit());
  auto second = env->begin_write();
  ONSET_OK(second.put(db::contracts, "lost", "2"));
  CAF_CHECK(fails_with(second.commit(), error_code::storage_failure,
                       "commit: MDB_PANIC"));
  CAF_MESSAGE("every later transaction fails to begin, as in LMDB");
  auto third = env->begin_write();
  CAF_REQUIRE(!third);
  CAF_CHECK(fails_with(status{third.error()}, error_code::storage_failure,
                       "begin write: MDB_PANIC"));
  CAF_CHECK(!env->begin_read());
  env.reset();
  CAF_MESSAGE("the failed commit wrote nothing; a reopen without the fault "
              "works");
  opts.test_fault = {};
  env = test::open_env(opts);
  CAF_CHECK_EQUAL(read_value(*env, db::contracts, "kept"), std::string{"1"});
  CAF_CHECK(!read_value(*env, db::contracts, "lost"));
}

CAF_TEST(an injected EIO fails one commit only) {
  opts.test_fault = ONSET_VALUE(parse_storage_fault("eio_after:0"));
  auto env = test::open_env(opts);
  auto first = env->begin_write();
  ONSET_OK(first.put(db::contracts, "lost", "1"));
  CAF_CHECK(fails_with(first.commit(), error_code::storage_failure,
                       "commit: Input/output error"));
  auto second = env->begin_write();
  ONSET_OK(second.put(db::contracts, "kept", "2"));
  ONSET_OK(second.commit());
  CAF_CHECK(!read_value(*env, db::contracts, "lost"));
  CAF_CHECK_EQUAL(read_value(*env, db::contracts, "kept"), std::string{"2"});
}

CAF_TEST(a malformed storage fault is refused naming the spec) {
  for (auto spec : {"panic", "panic_after:", "panic_after:x", "boom_after:1",
                    "panic_after:1x", ""})
    CAF_CHECK(fails_with(parse_storage_fault(spec), error_code::invalid_input,
                         "KIND_after:N"));
  CAF_CHECK_EQUAL(to_string(ONSET_VALUE(parse_storage_fault("nospc_after:7"))),
                  "nospc_after:7");
}

CAF_TEST_FIXTURE_SCOPE_END()
