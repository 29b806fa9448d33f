#define CAF_SUITE store_actor
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string_view>

#include <caf/test/dsl.hpp>

#include "persistence/device_store.hpp"
#include "persistence/store_actor.hpp"
#include "tests/support/log_capture.hpp"
#include "tests/support/persistence.hpp"

using namespace onset;
using namespace onset::persistence;

namespace {

using store_impl = store_actor::stateful_base<store_state>;

/// What a requester saw.
struct outcome {
  bool replied = false;
  caf::error err;
  /// Whether its printer was readable by a fresh snapshot when the reply
  /// came: a reply must mean "committed".
  bool visible_at_reply = false;
};

using outcome_ptr = std::shared_ptr<outcome>;

bool visible(environment& env, const std::string& id) {
  auto txn = env.begin_read();
  auto found = device_store::get(txn, device_id{id});
  return found && *found;
}

/// A requester: sends one batch, records the reply.
caf::behavior requester(caf::event_based_actor* self, store_actor store,
                        environment* env, std::string id, write_batch batch,
                        outcome_ptr out) {
  self->request(store, caf::infinite, atom::write_v, std::move(batch))
    .then(
      [=](atom::ok) {
        out->replied = true;
        out->visible_at_reply = visible(*env, id);
      },
      [=](caf::error& err) {
        out->replied = true;
        out->err = std::move(err);
        out->visible_at_reply = visible(*env, id);
      });
  return {};
}

write_batch put_device(const std::string& id) {
  return [id](write_txn& txn) {
    return to_error(device_store::put(txn, test::sample_device(id)));
  };
}

struct fixture : test_coordinator_fixture<> {
  test::temp_dir dir;
  std::unique_ptr<environment> env;
  store_actor store;

  fixture() {
    open(test::options_in(dir.path()));
  }

  void open(const environment_options& opts) {
    env = test::open_env(opts);
    store = sys.spawn(persistence::store_behavior, env.get());
  }

  ~fixture() override {
    self->send_exit(store, caf::exit_reason::user_shutdown);
    consume_messages();
  }

  store_state& state() {
    return deref<store_impl>(store).state;
  }

  outcome_ptr spawn_requester(const std::string& id, write_batch batch) {
    auto out = std::make_shared<outcome>();
    sys.spawn(requester, store, env.get(), id, std::move(batch), out);
    return out;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(store_actor_tests, fixture)

CAF_TEST(waiting requests share one transaction and hear back after it) {
  std::vector<outcome_ptr> outs;
  for (int i = 0; i < 5; ++i) {
    auto id = "MFP-" + std::to_string(i);
    outs.push_back(spawn_requester(id, put_device(id)));
  }
  CAF_MESSAGE("the STORE queues every request before its flush runs");
  run_until([&] { return state().queue.size() == 5; });
  CAF_CHECK(state().flush_pending);
  CAF_CHECK_EQUAL(state().commits, 0u);
  for (auto& out : outs)
    CAF_CHECK(!out->replied);
  CAF_CHECK(!visible(*env, "MFP-0"));
  CAF_MESSAGE("the flush commits all of them at once, then replies");
  consume_messages();
  CAF_CHECK_EQUAL(state().commits, 1u);
  CAF_CHECK_EQUAL(state().batches, 5u);
  CAF_CHECK_EQUAL(state().nested_replays, 0u);
  for (auto& out : outs) {
    CAF_CHECK(out->replied);
    CAF_CHECK(!out->err);
    CAF_CHECK(out->visible_at_reply);
  }
}

CAF_TEST(a failing batch fails only its own requester) {
  auto a = spawn_requester("MFP-A", put_device("MFP-A"));
  auto b = spawn_requester("MFP-B", [](write_txn& txn) -> caf::error {
    if (auto err
        = to_error(device_store::put(txn, test::sample_device("MFP-B"))))
      return err;
    return caf::make_error(error_code::invalid_input, "refused by the test");
  });
  auto c = spawn_requester("MFP-C", [](write_txn& txn) -> caf::error {
    if (auto err
        = to_error(device_store::put(txn, test::sample_device("MFP-C"))))
      return err;
    throw std::runtime_error("boom");
  });
  auto d = spawn_requester("MFP-D", put_device("MFP-D"));
  consume_messages();
  CAF_CHECK_EQUAL(state().commits, 1u);
  CAF_CHECK(a->replied && !a->err && a->visible_at_reply);
  CAF_CHECK(d->replied && !d->err && d->visible_at_reply);
  CAF_CHECK(b->replied && is(b->err, error_code::invalid_input));
  CAF_CHECK(c->replied && is(c->err, error_code::storage_failure));
  CAF_MESSAGE("nothing of the failed batches was written");
  CAF_CHECK(!b->visible_at_reply && !visible(*env, "MFP-B"));
  CAF_CHECK(!c->visible_at_reply && !visible(*env, "MFP-C"));
  CAF_CHECK_EQUAL(state().failed_batches, 2u);
  CAF_MESSAGE("the round ran once straight, then again with a child "
              "transaction per batch");
  CAF_CHECK_EQUAL(state().nested_replays, 1u);
}

CAF_TEST(a batch that ends its own transaction fails) {
  auto a = spawn_requester("MFP-A", put_device("MFP-A"));
  auto rogue = spawn_requester("MFP-R", [](write_txn& txn) -> caf::error {
    txn.abort();
    return caf::none;
  });
  consume_messages();
  CAF_CHECK(a->replied && !a->err && a->visible_at_reply);
  CAF_CHECK(rogue->replied && is(rogue->err, error_code::storage_failure));
}

CAF_TEST(requests after a flush go into the next transaction) {
  auto first = spawn_requester("MFP-1", put_device("MFP-1"));
  consume_messages();
  auto second = spawn_requester("MFP-2", put_device("MFP-2"));
  auto third = spawn_requester("MFP-3", put_device("MFP-3"));
  consume_messages();
  CAF_CHECK_EQUAL(state().commits, 2u);
  CAF_CHECK(first->visible_at_reply && second->visible_at_reply
            && third->visible_at_reply);
}

CAF_TEST(an exit commits and acknowledges what is queued first) {
  // Both requests and then the exit wait in the mailbox; the flush that the
  // first request sends lands behind the exit.
  auto first = self->request(store, caf::infinite, atom::write_v,
                             put_device("MFP-1"));
  auto second = self->request(store, caf::infinite, atom::write_v,
                              put_device("MFP-2"));
  self->send_exit(store, caf::exit_reason::user_shutdown);
  consume_messages();
  CAF_CHECK(visible(*env, "MFP-1"));
  CAF_CHECK(visible(*env, "MFP-2"));
  CAF_REQUIRE_EQUAL(self->mailbox().size(), 2u);
  size_t acked = 0;
  for (auto* handle : {&first, &second})
    handle->receive([&](atom::ok) { ++acked; },
                    [&](caf::error& err) { CAF_FAIL(to_string(err)); });
  CAF_CHECK_EQUAL(acked, 2u);
}

CAF_TEST(a kill answers every queued batch with storage_failure) {
  // Writers ask without a timeout (request_write), so a STORE killed with
  // batches queued (its flush still in the mailbox) must answer them.
  auto a = spawn_requester("MFP-A", put_device("MFP-A"));
  auto b = spawn_requester("MFP-B", put_device("MFP-B"));
  run_until([&] { return state().queue.size() == 2; });
  CAF_REQUIRE(!a->replied && !b->replied);
  // Urgent, so that the kill overtakes the flush waiting in the mailbox.
  caf::anon_send<caf::message_priority::high>(
    caf::actor_cast<caf::actor>(store),
    caf::exit_msg{self->address(), caf::exit_reason::kill});
  consume_messages();
  for (auto* out : {&a, &b}) {
    CAF_CHECK((*out)->replied);
    CAF_CHECK(is((*out)->err, error_code::storage_failure));
    CAF_CHECK(!(*out)->visible_at_reply);
  }
  CAF_MESSAGE("a write sent after the kill is bounced, not left unanswered");
  auto late = spawn_requester("MFP-C", put_device("MFP-C"));
  consume_messages();
  CAF_CHECK(late->replied);
  CAF_CHECK(late->err);
}

CAF_TEST_FIXTURE_SCOPE_END()

namespace {

struct reader_check_fixture : fixture {
  reader_check_fixture() {
    // Replace the fixture's STORE with one that checks readers every 30 s.
    self->send_exit(store, caf::exit_reason::user_shutdown);
    consume_messages();
    env.reset();
    auto opts = test::options_in(dir.path());
    opts.reader_check_interval = std::chrono::seconds{30};
    open(opts);
    consume_messages();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(store_reader_check_tests, reader_check_fixture)

CAF_TEST(the reader check re - arms itself and ignores stale ticks) {
  CAF_CHECK_EQUAL(state().tick_generation, 1u);
  CAF_CHECK_EQUAL(sched.clock().schedule().size(), 1u);
  CAF_MESSAGE("the timer fires after 30 s and arms the next one");
  CAF_CHECK_EQUAL(sched.advance_time(std::chrono::seconds{29}), 0u);
  CAF_CHECK_EQUAL(sched.advance_time(std::chrono::seconds{1}), 1u);
  consume_messages();
  CAF_CHECK_EQUAL(state().tick_generation, 2u);
  CAF_CHECK_EQUAL(sched.clock().schedule().size(), 1u);
  CAF_MESSAGE("a tick of an old generation does nothing");
  self->send(store, atom::tick_v, uint64_t{1});
  consume_messages();
  CAF_CHECK_EQUAL(state().tick_generation, 2u);
  CAF_CHECK_EQUAL(sched.clock().schedule().size(), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()

namespace {

/// A STORE whose environment's commits fail on demand (`test_fault`).
struct storage_fault_fixture : fixture {
  /// The STORE's exit reason, once it has stopped.
  std::shared_ptr<std::optional<caf::error>> stopped
    = std::make_shared<std::optional<caf::error>>();

  /// Replaces the fixture's STORE with one whose environment has `fault`
  /// (none if empty).
  void reopen_with(const std::string& fault) {
    close();
    auto opts = test::options_in(dir.path());
    if (!fault.empty())
      opts.test_fault = ONSET_VALUE(parse_storage_fault(fault));
    open(opts);
    store->attach_functor(
      [out = stopped](const caf::error& reason) { *out = reason; });
    consume_messages();
  }

  void close() {
    self->send_exit(store, caf::exit_reason::user_shutdown);
    consume_messages();
    env.reset();
  }

  /// Zeroes, in the closed environment's file, every page that holds
  /// `marker`: a page whose type LMDB does not know (MDB_CORRUPTED).
  void corrupt_pages_holding(const std::string& marker) {
    auto path = dir.path() + "/data.mdb";
    std::string bytes;
    {
      std::ifstream in{path, std::ios::binary};
      bytes.assign(std::istreambuf_iterator<char>{in}, {});
    }
    auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    size_t zeroed = 0;
    // Pages 0 and 1 are LMDB's meta pages.
    for (size_t at = 2 * page; at + page <= bytes.size(); at += page)
      if (std::string_view{bytes}.substr(at, page).find(marker)
          != std::string_view::npos) {
        std::fill_n(bytes.begin() + at, page, '\0');
        ++zeroed;
      }
    CAF_REQUIRE(zeroed > 0);
    std::ofstream out{path, std::ios::binary | std::ios::trunc};
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(store_storage_fault_tests, storage_fault_fixture)

CAF_TEST(a fatal storage error stops the STORE and refuses later writes) {
  test::captured_log log;
  reopen_with("panic_after:1");
  auto a = spawn_requester("MFP-A", put_device("MFP-A"));
  consume_messages();
  CAF_REQUIRE(a->replied && !a->err && a->visible_at_reply);
  CAF_MESSAGE("the next commit meets MDB_PANIC: its round fails");
  auto b = spawn_requester("MFP-B", put_device("MFP-B"));
  auto c = spawn_requester("MFP-C", put_device("MFP-C"));
  consume_messages();
  for (auto* out : {&b, &c}) {
    CAF_CHECK((*out)->replied);
    CAF_CHECK(is((*out)->err, error_code::storage_failure));
    CAF_CHECK(!(*out)->visible_at_reply);
  }
  CAF_MESSAGE("the STORE stops with storage_failure, and says why once");
  CAF_REQUIRE(stopped->has_value());
  CAF_CHECK(is(**stopped, error_code::storage_failure));
  CAF_CHECK(log.contains("store.fatal"));
  CAF_CHECK(log.contains("MDB_PANIC"));
  CAF_MESSAGE("a later write is refused at once, not run against LMDB");
  auto d = spawn_requester("MFP-D", put_device("MFP-D"));
  consume_messages();
  CAF_CHECK(d->replied && d->err);
  auto text = log.text();
  CAF_CHECK_EQUAL(text.find("store.fatal"), text.rfind("store.fatal"));
}

CAF_TEST(a batch that meets a corrupt page stops the STORE) {
  auto a = spawn_requester("MFP-CORRUPT-ME", put_device("MFP-CORRUPT-ME"));
  consume_messages();
  CAF_REQUIRE(a->replied && !a->err);
  close();
  corrupt_pages_holding("MFP-CORRUPT-ME");
  test::captured_log log;
  reopen_with("");
  CAF_MESSAGE("the batch turns MDB_CORRUPTED into its own error; the STORE "
              "still sees it");
  auto b = spawn_requester("MFP-B", put_device("MFP-B"));
  consume_messages();
  CAF_CHECK(b->replied && is(b->err, error_code::storage_failure));
  CAF_REQUIRE(stopped->has_value());
  CAF_CHECK(is(**stopped, error_code::storage_failure));
  CAF_CHECK(log.contains("store.fatal"));
  CAF_CHECK(log.contains("MDB_CORRUPTED"));
}

CAF_TEST(a full disk fails its round only and the STORE goes on) {
  reopen_with("nospc_after:0");
  auto a = spawn_requester("MFP-A", put_device("MFP-A"));
  consume_messages();
  CAF_CHECK(a->replied && is(a->err, error_code::storage_failure));
  CAF_CHECK(!visible(*env, "MFP-A"));
  auto b = spawn_requester("MFP-B", put_device("MFP-B"));
  consume_messages();
  CAF_CHECK(b->replied && !b->err && b->visible_at_reply);
  CAF_CHECK(!stopped->has_value());
  CAF_CHECK_EQUAL(state().commits, 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
