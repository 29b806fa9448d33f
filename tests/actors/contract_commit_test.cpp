// How a CONTRACT writes: an ack writes only the small records it changed,
// never the contract document, and changes made while a commit is in flight
// are merged into one following commit; nothing is sent before the commit
// that appended it is durable. The contract side writes through a stand-in
// STORE that holds every commit until the test releases it.
#define CAF_SUITE contract_commit
#include <deque>
#include <utility>

#include "actors/contract_storage.hpp"
#include "persistence/codec.hpp"
#include "persistence/keys.hpp"
#include "tests/actors/engine_fixture.hpp"
#include "tests/actors/gated_store.hpp"

using namespace onset;
using namespace onset::actors;
using namespace onset::test;

namespace {

const char* backup = R"({"data_backup":{}})";
const char* started = "2026-11-01T00:00:00Z";

struct fixture : engine_fixture {
  std::shared_ptr<gate> g = std::make_shared<gate>();

  fixture() {
    g->env = env.get();
    contract_store = sys.spawn(gated_store, g);
    start_contracts();
  }

  ~fixture() override {
    drain(*g, contract_store, [this] { run(); });
    stop(contracts);
    run();
    stop(contract_store);
    run();
  }

  /// Submits C-1 on MFP-1, its period started, with the STORE closed; lets
  /// the contract's write through. Then the CONTRACT's first commit (the
  /// first step's append) is the one held.
  void submit_with_first_step_held() {
    enroll("MFP-1");
    g->open = false;
    self->send(contracts, atom::submit_v,
               make("C-1", 1, backup, R"(["MFP-1"])", started));
    run();
    release();
    self->receive([](submit_result&) {}); // the submit's answer
    CAF_REQUIRE_EQUAL(g->held.size(), 1u);
  }

  /// Commits the oldest held batch and runs what follows.
  void release() {
    CAF_REQUIRE(!g->held.empty());
    caf::anon_send(contract_store, atom::flush_v);
    run();
  }

  /// The durable history of C-1.
  std::vector<history_entry> durable_history() {
    auto h = actors::contract_storage::history(*env, contract_id{"C-1"});
    CAF_REQUIRE(h);
    return std::move(*h);
  }

  /// Instructions applied by the receivers, over all streams.
  uint64_t applied_total() {
    auto txn = env->begin_read();
    CAF_REQUIRE(txn);
    uint64_t total = 0;
    auto ok = persistence::receiver_ledger::for_each_effect(
      txn, [&](const stream_id&, uint64_t, uint64_t count) { total += count; });
    CAF_REQUIRE(ok);
    return total;
  }

  static std::string document_key(const std::string& id) {
    std::string key{'C'};
    persistence::keys::put_str(key, id);
    key.push_back('D');
    return key;
  }

  /// Overwrites C-1's stored document with `doc`.
  void put_document(const contract& doc) {
    auto txn = env->begin_write();
    CAF_REQUIRE(
      static_cast<bool>(txn.put(persistence::db::contracts, document_key("C-1"),
                                persistence::codec::encode(doc))));
    CAF_REQUIRE(static_cast<bool>(txn.commit()));
  }

  /// Overwrites C-1's stored document with a marked copy of `doc`: a commit
  /// that rewrote the document would remove the mark.
  void mark_document(contract doc) {
    doc.customer = customer_id{"marker"};
    put_document(doc);
  }

  /// The customer of C-1's stored document.
  std::string stored_customer() {
    auto txn = env->begin_read();
    auto bytes = txn.get(persistence::db::contracts, document_key("C-1"));
    CAF_REQUIRE(bytes && *bytes);
    contract doc;
    CAF_REQUIRE(static_cast<bool>(persistence::codec::decode(
      **bytes, doc, persistence::db::contracts, "D")));
    return doc.customer.str();
  }
};

/// `device=MFP-2` of a history line.
std::string device_of(const history_entry& h) {
  auto at = h.detail.find("device=");
  return at == std::string::npos ? std::string{} : h.detail.substr(at + 7);
}

std::vector<history_entry> since(const std::vector<history_entry>& all,
                                 size_t from) {
  return {all.begin() + static_cast<std::ptrdiff_t>(from), all.end()};
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(contract_commit_tests, fixture)

CAF_TEST(acks during a commit in flight make one following commit) {
  for (auto dev : {"MFP-1", "MFP-2", "MFP-3"})
    enroll(dev);
  g->open = false;
  auto doc = make("C-1", 1, backup, R"(["MFP-1","MFP-2","MFP-3"])", started);
  self->send(contracts, atom::submit_v, doc);
  run();
  CAF_REQUIRE_EQUAL(g->held.size(), 1u);
  CAF_MESSAGE("the supervisor's write of the new contract");
  release();
  CAF_MESSAGE("the CONTRACT planned the first step of each printer: held");
  CAF_REQUIRE_EQUAL(g->received, 2u);
  CAF_REQUIRE_EQUAL(g->held.size(), 1u);
  CAF_CHECK_EQUAL(applied_total(), 0u);
  CAF_CHECK_EQUAL(durable_history().size(), 1u);
  release();
  CAF_MESSAGE("three acks: the first one's commit is held, the others wait");
  CAF_CHECK_EQUAL(applied_total(), 3u);
  CAF_CHECK_EQUAL(g->received, 3u);
  CAF_REQUIRE_EQUAL(g->held.size(), 1u);
  auto before = durable_history().size();
  mark_document(doc);
  release();
  CAF_MESSAGE("the first ack's commit: one ack and its next step");
  auto first = since(durable_history(), before);
  CAF_REQUIRE_EQUAL(first.size(), 2u);
  CAF_CHECK(first[0].kind == history_kind::acked);
  CAF_CHECK(first[1].kind == history_kind::sent);
  CAF_CHECK_EQUAL(device_of(first[0]), device_of(first[1]));
  CAF_CHECK_EQUAL(stored_customer(), "marker");
  CAF_MESSAGE("its step was sent and applied; the other two acks' commit "
              "followed at once and is held, their steps unsent");
  CAF_CHECK_EQUAL(applied_total(), 4u);
  CAF_CHECK_EQUAL(g->received, 4u);
  CAF_REQUIRE_EQUAL(g->held.size(), 1u);
  before = durable_history().size();
  release();
  auto merged = since(durable_history(), before);
  CAF_REQUIRE_EQUAL(merged.size(), 4u);
  CAF_CHECK(merged[0].kind == history_kind::acked);
  CAF_CHECK(merged[1].kind == history_kind::sent);
  CAF_CHECK(merged[2].kind == history_kind::acked);
  CAF_CHECK(merged[3].kind == history_kind::sent);
  CAF_CHECK_EQUAL(device_of(merged[0]), device_of(merged[1]));
  CAF_CHECK_EQUAL(device_of(merged[2]), device_of(merged[3]));
  CAF_CHECK_NOT_EQUAL(device_of(merged[0]), device_of(merged[2]));
  CAF_CHECK_NOT_EQUAL(device_of(merged[0]), device_of(first[0]));
  CAF_CHECK_NOT_EQUAL(device_of(merged[2]), device_of(first[0]));
  CAF_CHECK_EQUAL(stored_customer(), "marker");
  CAF_MESSAGE("now their steps were sent and applied");
  CAF_CHECK_EQUAL(applied_total(), 6u);
  CAF_CHECK_EQUAL(g->received, 5u);
  CAF_MESSAGE("the rest runs to the end with the store open");
  put_document(doc); // the real one again
  drain(*g, contract_store, [this] { run(); });
  CAF_CHECK_EQUAL(state_of("C-1"), contract_state::active);
  check_effects_once();
  auto loaded = actors::contract_storage::load(*env, contract_id{"C-1"});
  CAF_REQUIRE(loaded && *loaded);
  CAF_CHECK_EQUAL((*loaded)->record.doc, doc);
  CAF_CHECK_EQUAL((*loaded)->record.state, contract_state::active);
}

CAF_TEST(a failed commit fails every merged change and quits) {
  submit_with_first_step_held();
  CAF_MESSAGE("a cancel arrives while the first commit is in flight");
  auto cancel = self->request(contracts, caf::infinite, atom::cancel_v,
                              contract_id{"C-1"});
  run();
  CAF_CHECK(self->mailbox().empty());
  CAF_MESSAGE("the first commit fails: the CONTRACT fails the cancel, quits");
  g->fail_next = caf::make_error(error_code::storage_failure, "disk gone");
  release();
  CAF_CHECK_EQUAL(applied_total(), 0u);
  CAF_REQUIRE(!self->mailbox().empty());
  bool failed = false;
  cancel.receive([](atom::ok) {}, [&](caf::error&) { failed = true; });
  CAF_CHECK(failed);
}

CAF_TEST(a peer coming back resends nothing whose outbox write is in flight) {
  submit_with_first_step_held();
  CAF_MESSAGE("the first step's append is held; a peer node comes back");
  self->send(contracts, atom::resend_v);
  run();
  CAF_CHECK_EQUAL(applied_total(), 0u);
  CAF_MESSAGE("the append fails: no printer has applied what is not stored");
  g->fail_next = caf::make_error(error_code::storage_failure, "disk gone");
  release();
  CAF_CHECK_EQUAL(applied_total(), 0u);
  CAF_MESSAGE("the restarted CONTRACT provisions from the store");
  drain(*g, contract_store, [this] { run(); });
  run();
  CAF_CHECK_EQUAL(state_of("C-1"), contract_state::active);
  check_effects_once();
}

CAF_TEST(a CONTRACT restarted while its last commit is held sees that commit) {
  enroll("MFP-1");
  set_online("MFP-1", false);
  CAF_REQUIRE(submit(make("C-1", 1, backup, R"(["MFP-1"])", started)));
  CAF_REQUIRE_EQUAL(state_of("C-1"), contract_state::provisioning);
  CAF_MESSAGE("a renewal while the printer is busy: its commit is held");
  g->open = false;
  self->send(contracts, atom::submit_v,
             make("C-1", 2, R"({"data_backup":{},"failure_prediction":{}})",
                  R"(["MFP-1"])", started));
  run();
  CAF_REQUIRE_EQUAL(g->held.size(), 1u);
  CAF_MESSAGE("the CONTRACT dies with that commit in the STORE's queue");
  using impl = actors::contract_supervisor_actor::stateful_base<
    actors::contract_supervisor_state>;
  auto& running = *deref<impl>(contracts).state.running;
  CAF_REQUIRE_EQUAL(running.count(contract_id{"C-1"}), 1u);
  self->send_exit(running.at(contract_id{"C-1"}), caf::exit_reason::kill);
  run();
  CAF_MESSAGE("the STORE commits what it holds, in order");
  drain(*g, contract_store, [this] { run(); });
  set_online("MFP-1", true);
  pass(std::chrono::seconds{10});
  auto c1 = view("C-1").summary;
  CAF_CHECK_EQUAL(c1.version, 2u);
  CAF_CHECK_EQUAL(c1.state, contract_state::active);
  CAF_CHECK_EQUAL(device("MFP-1").state.values.count("diagnostics.upload"), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(absorb keeps the order of a later change and its timer removals) {
  auto t = [](timer_kind kind) {
    return due_timer{utc_time{100}, contract_id{"C-1"}, kind};
  };
  auto line = [](const char* text) {
    return history_entry{utc_time{1}, history_kind::sent, text};
  };
  actors::contract_change first;
  first.history = {line("a")};
  first.add_timers = {t(timer_kind::start), t(timer_kind::end)};
  first.events = {"evt-1"};
  actors::contract_change later;
  later.history = {line("b"), line("c")};
  later.remove_timers = {t(timer_kind::start)};
  later.acks = {instruction_ack{}};
  first.absorb(std::move(later));
  CAF_REQUIRE_EQUAL(first.history.size(), 3u);
  CAF_CHECK_EQUAL(first.history[0].detail, "a");
  CAF_CHECK_EQUAL(first.history[2].detail, "c");
  CAF_CHECK_EQUAL(first.acks.size(), 1u);
  CAF_CHECK_EQUAL(first.events, (std::vector<std::string>{"evt-1"}));
  // Written as one batch (removals before additions), the start timer a
  // later change removed must not come back.
  CAF_CHECK_EQUAL(first.add_timers,
                  (std::vector<due_timer>{t(timer_kind::end)}));
  CAF_CHECK_EQUAL(first.remove_timers,
                  (std::vector<due_timer>{t(timer_kind::start)}));
  actors::contract_change again;
  again.add_timers = {t(timer_kind::start)};
  first.absorb(std::move(again));
  CAF_CHECK_EQUAL(
    first.add_timers,
    (std::vector<due_timer>{t(timer_kind::end), t(timer_kind::start)}));
}
