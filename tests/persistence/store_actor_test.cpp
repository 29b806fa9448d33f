#define CAF_SUITE store_actor
#include <memory>
#include <stdexcept>

#include <caf/test/dsl.hpp>

#include "persistence/device_store.hpp"
#include "persistence/store_actor.hpp"
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
