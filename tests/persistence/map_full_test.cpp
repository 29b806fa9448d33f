#define CAF_SUITE map_full
#include <memory>

#include <caf/test/dsl.hpp>

#include "persistence/device_store.hpp"
#include "persistence/store_actor.hpp"
#include "tests/support/persistence.hpp"

using namespace onset;
using namespace onset::persistence;
using onset::test::fails_with;

namespace {

using store_impl = store_actor::stateful_base<store_state>;

constexpr size_t tiny_map = size_t{128} << 10;

device_state big_device(const std::string& id) {
  auto x = test::sample_device(id);
  x.registration.model = std::string(1000, 'm') + id;
  return x;
}

std::string key(int i) {
  return "k" + std::to_string(i);
}

struct fixture : test_coordinator_fixture<> {
  test::temp_dir dir;
  environment_options opts;
  std::unique_ptr<environment> env;

  fixture() {
    opts = test::options_in(dir.path());
    opts.map_size = tiny_map;
    opts.map_growth = tiny_map;
    env = test::open_env(opts);
  }
};

/// A batch writing `count` big printers named `prefix-i`; counts its runs.
write_batch devices_batch(std::string prefix, int count,
                          std::shared_ptr<int> runs) {
  return [=](write_txn& txn) -> caf::error {
    ++*runs;
    for (int i = 0; i < count; ++i)
      if (auto err = to_error(device_store::put(
            txn, big_device(prefix + "-" + std::to_string(i)))))
        return err;
    return caf::none;
  };
}

struct request_record {
  std::string prefix;
  int count;
  std::shared_ptr<int> runs;
  std::shared_ptr<caf::error> reply;
  std::shared_ptr<bool> replied;
};

caf::behavior write_requester(caf::event_based_actor* self, store_actor store,
                              write_batch batch, std::shared_ptr<bool> replied,
                              std::shared_ptr<caf::error> reply) {
  self->request(store, caf::infinite, atom::write_v, std::move(batch))
    .then([=](atom::ok) { *replied = true; },
          [=](caf::error& err) {
            *replied = true;
            *reply = std::move(err);
          });
  return {};
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(map_full_tests, fixture)

CAF_TEST(a full map poisons the transaction and is reported as such) {
  int written = 0;
  {
    auto txn = env->begin_write();
    status st;
    for (; written < 1000; ++written) {
      st = txn.put(db::history, key(written), std::string(1024, 'x'));
      if (!st)
        break;
    }
    CAF_REQUIRE(!st);
    CAF_CHECK(st.map_full());
    CAF_CHECK(fails_with(st, error_code::storage_failure, "MDB_MAP_FULL"));
    CAF_CHECK(txn.map_full());
    CAF_CHECK(txn.put(db::history, "small", "x").map_full());
    CAF_CHECK(!txn.begin_nested());
    auto committed = txn.commit();
    CAF_CHECK(committed.map_full());
  }
  CAF_MESSAGE("after growing the map the same writes fit");
  ONSET_OK(env->grow_map());
  ONSET_OK(env->grow_map());
  {
    auto txn = env->begin_write();
    for (int i = 0; i <= written; ++i)
      ONSET_OK(txn.put(db::history, key(i), std::string(1024, 'x')));
    ONSET_OK(txn.commit());
  }
  env.reset();
  env = test::open_env(opts);
  auto txn = env->begin_read();
  CAF_CHECK_EQUAL(ONSET_VALUE(txn.count(db::history)),
                  static_cast<uint64_t>(written + 1));
}

CAF_TEST(a full map in a child transaction poisons its parent) {
  auto txn = env->begin_write();
  auto child = txn.begin_nested();
  status st;
  for (int i = 0; i < 1000 && st; ++i)
    st = child.put(db::history, key(i), std::string(1024, 'x'));
  CAF_CHECK(st.map_full());
  CAF_CHECK(child.map_full());
  CAF_CHECK(txn.map_full());
  child.abort();
  CAF_CHECK(txn.map_full());
}

CAF_TEST(the STORE grows the map and replays without losing anything) {
  auto store = sys.spawn(persistence::store_behavior, env.get());
  std::vector<request_record> requests;
  auto& st = deref<store_impl>(store).state;
  CAF_MESSAGE("rounds of four requesters until a round meets a full map");
  for (int round = 0; round < 50 && st.replays == 0; ++round) {
    for (int r = 0; r < 4; ++r) {
      request_record req{"R" + std::to_string(round) + "-" + std::to_string(r),
                         5, std::make_shared<int>(0),
                         std::make_shared<caf::error>(),
                         std::make_shared<bool>(false)};
      sys.spawn(write_requester, store,
                devices_batch(req.prefix, req.count, req.runs), req.replied,
                req.reply);
      requests.push_back(req);
    }
    consume_messages();
  }
  CAF_REQUIRE_GREATER_OR_EQUAL(st.replays, 1u);
  CAF_CHECK_GREATER(env->map_size(), tiny_map);
  CAF_CHECK_GREATER(st.commits, 1u);
  CAF_MESSAGE("the last round was replayed, and every batch was acked");
  int last_round_runs = 0;
  for (size_t i = requests.size() - 4; i < requests.size(); ++i)
    last_round_runs += *requests[i].runs;
  CAF_CHECK_GREATER(last_round_runs, 4);
  for (auto& req : requests) {
    CAF_CHECK(*req.replied);
    CAF_CHECK(!*req.reply);
  }
  CAF_MESSAGE("every record of every round is there, whole");
  auto txn = env->begin_read();
  size_t total = 0;
  for (auto& req : requests) {
    for (int i = 0; i < req.count; ++i) {
      auto id = req.prefix + "-" + std::to_string(i);
      auto found = ONSET_VALUE(device_store::get(txn, device_id{id}));
      CAF_CHECK(found && *found == big_device(id));
      ++total;
    }
  }
  CAF_CHECK_EQUAL(ONSET_VALUE(device_store::count(txn)), total);
  txn.abort();
  self->send_exit(store, caf::exit_reason::user_shutdown);
  consume_messages();
}

CAF_TEST(a batch bigger than one growth step grows the map several times) {
  auto store = sys.spawn(persistence::store_behavior, env.get());
  auto runs = std::make_shared<int>(0);
  auto replied = std::make_shared<bool>(false);
  auto reply = std::make_shared<caf::error>();
  // About 600 KiB in one batch, with 128 KiB growth steps.
  sys.spawn(write_requester, store, devices_batch("BIG", 600, runs), replied,
            reply);
  consume_messages();
  auto& st = deref<store_impl>(store).state;
  CAF_CHECK(*replied);
  CAF_CHECK(!*reply);
  CAF_CHECK_GREATER(st.replays, 1u);
  CAF_CHECK_EQUAL(static_cast<uint64_t>(*runs), st.replays + 1);
  CAF_CHECK_GREATER(env->map_size(), 4 * tiny_map);
  {
    auto txn = env->begin_read();
    CAF_CHECK_EQUAL(ONSET_VALUE(device_store::count(txn)), 600u);
  }
  self->send_exit(store, caf::exit_reason::user_shutdown);
  consume_messages();
}

CAF_TEST_FIXTURE_SCOPE_END()
