// How a CONTRACT writes: an ack writes only the small records it changed,
// never the contract document, and changes made while a commit is in flight
// are merged into one following commit; nothing is sent before the commit
// that appended it is durable. The contract side writes through a stand-in
// STORE that holds every commit until the test releases it.
#define CAF_SUITE contract_commit
#include <deque>
#include <utility>

#include <caf/local_actor.hpp>

#include "actors/contract_actor.hpp"
#include "actors/contract_storage.hpp"
#include "persistence/codec.hpp"
#include "persistence/keys.hpp"
#include "tests/actors/engine_fixture.hpp"
#include "tests/actors/gated_store.hpp"

#include "tests/support/refusal.hpp"
#include "tests/support/streams.hpp"
#include <memory>

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
               make("C-1", 1, backup, R"(["MFP-1"])", started), requester{});
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
  self->send(contracts, atom::submit_v, doc, requester{});
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
                              contract_id{"C-1"}, requester{});
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
                  R"(["MFP-1"])", started),
             requester{});
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

// A step a printer refused is abandoned: recorded as such (history, outbox),
// its seq skipped at the receiver, so that nothing waits for it. Cancel and
// the end date of a degraded contract always complete, undoing only what
// was applied; retry and renewal plan again from what was applied.

namespace abandon_detail {

/// Which steps the stand-in refuses: `kind` to `device` while `active`.
struct refuse_rule {
  bool active = true;
  step_kind kind = step_kind::apps_install;
  device_id device{"MFP-1"};
  size_t refused = 0;
  /// While set, the requests to refuse and the skips of `device` go to this
  /// actor instead (holding_printer), which answers them when the test
  /// says.
  caf::actor hold;
};

/// Holds the requests it gets unanswered; each `flush` answers the oldest:
/// a refusal for the kind `rule` refuses, else what `inner` answers.
caf::behavior holding_printer(caf::event_based_actor* self,
                              actors::device_actor inner,
                              std::shared_ptr<refuse_rule> rule) {
  using held_request = std::pair<caf::response_promise, instruction>;
  auto held = std::make_shared<std::deque<held_request>>();
  return {
    [self, held](atom::apply, instruction& x) {
      held->emplace_back(self->make_response_promise(), std::move(x));
      return held->back().first;
    },
    [self, held, inner, rule](atom::flush) {
      if (held->empty())
        return;
      auto [rp, x] = std::move(held->front());
      held->pop_front();
      if (x.kind == rule->kind) {
        ++rule->refused;
        rp.deliver(refusal(error_code::refused, "model cannot take this step"));
        return;
      }
      self->request(inner, caf::infinite, atom::apply_v, std::move(x))
        .then([rp](instruction_ack& a) mutable { rp.deliver(a); },
              [rp](caf::error& err) mutable { rp.deliver(err); });
    },
    [held](atom::get) { return held->size(); },
  };
}

/// Stands in front of the DEVICE SUPERVISOR and refuses as `rule` says, as
/// a printer does whose model cannot take an application.
actors::device_actor::behavior_type
refusing_devices(actors::device_actor::pointer self, actors::device_actor inner,
                 std::shared_ptr<refuse_rule> rule) {
  return {
    [self, inner, rule](atom::apply,
                        instruction& x) -> caf::result<instruction_ack> {
      if (rule->hold && x.device == rule->device
          && (x.kind == rule->kind || x.kind == step_kind::skip)) {
        self->delegate(rule->hold, atom::apply_v, std::move(x));
        return caf::delegated<instruction_ack>{};
      }
      if (rule->active && x.kind == rule->kind && x.device == rule->device) {
        ++rule->refused;
        return refusal(error_code::refused, "model cannot take this step");
      }
      return self->delegate(inner, atom::apply_v, std::move(x));
    },
    [self, inner](atom::get, device_id& id) {
      return self->delegate(inner, atom::get_v, std::move(id));
    },
    [self, inner](atom::online, device_id& id, bool on) {
      return self->delegate(inner, atom::online_v, std::move(id), on);
    },
  };
}

/// Which printer's service steps the stand-in puts off (a transient
/// error, as a service does that cannot reach a printer yet), while
/// `active`.
struct stall_rule {
  bool active = false;
  device_id device{"MFP-1"};
};

/// Stands in front of the SERVICE SUPERVISOR and puts off as `rule` says.
actors::service_actor::behavior_type
stalling_services(actors::service_actor::pointer self,
                  actors::service_actor inner,
                  std::shared_ptr<stall_rule> rule) {
  return {
    [self, inner, rule](atom::apply,
                        instruction& x) -> caf::result<instruction_ack> {
      if (rule->active && x.device == rule->device)
        return refusal(error_code::transient, "printer not reachable yet");
      return self->delegate(inner, atom::apply_v, std::move(x));
    },
    [self, inner](atom::get, service_id& svc, device_id& dev) {
      return self->delegate(inner, atom::get_v, std::move(svc), std::move(dev));
    },
  };
}

struct fixture : engine_fixture {
  std::shared_ptr<refuse_rule> rule = std::make_shared<refuse_rule>();
  std::shared_ptr<stall_rule> stall = std::make_shared<stall_rule>();
  /// The contract side's STORE: open (commits at once) unless a test
  /// closes it.
  std::shared_ptr<gate> g = std::make_shared<gate>();

  fixture() {
    g->env = env.get();
    contract_store = sys.spawn(gated_store, g);
    contract_devices = sys.spawn(refusing_devices, devices, rule);
    contract_services = sys.spawn(stalling_services, services, stall);
    start_contracts();
  }

  ~fixture() override {
    drain(*g, contract_store, [this] { run(); });
    stop(contracts);
    run();
    stop(contract_devices);
    stop(contract_services);
    stop(contract_store);
    run();
  }

  size_t count(const std::string& id, history_kind kind) {
    size_t n = 0;
    for (auto& h : history(id))
      n += h.kind == kind ? 1 : 0;
    return n;
  }

  bool cancel(const std::string& id) {
    return static_cast<bool>(
      ask<atom::ok>(contracts, atom::cancel_v, contract_id{id}, requester{}));
  }

  bool retry(const std::string& id) {
    return static_cast<bool>(
      ask<atom::ok>(contracts, atom::retry_v, contract_id{id}, requester{}));
  }

  /// `onset status ID`'s line for printer `dev`.
  device_progress progress(const std::string& id, const std::string& dev) {
    for (auto& d : view(id).devices)
      if (d.device.str() == dev)
        return d;
    CAF_FAIL("no progress line for " << dev);
    return {};
  }

  /// The printer has every step of its plan applied: firmware, the
  /// backup agent, and the service serving it.
  void check_provisioned(const std::string& dev) {
    CAF_MESSAGE("printer " << dev);
    CAF_CHECK(!device(dev).state.apps.empty());
    auto at_service = service("data_backup", dev);
    CAF_REQUIRE(at_service);
    CAF_CHECK(at_service->state.active);
    auto p = progress(view_of, dev);
    CAF_CHECK(p.degraded.empty());
    CAF_CHECK_EQUAL(p.steps_acked, p.steps_total);
  }

  std::string view_of;
};

} // namespace abandon_detail

CAF_TEST_FIXTURE_SCOPE(step_abandon_tests, abandon_detail::fixture)

using namespace abandon_detail;

CAF_TEST(a refused step is abandoned and cancel then ends the contract) {
  enroll("MFP-1");
  CAF_REQUIRE(submit(make("C-1", 1, backup, R"(["MFP-1"])", started)));
  CAF_REQUIRE_EQUAL(state_of("C-1"), contract_state::degraded);
  CAF_CHECK_EQUAL(rule->refused, 1u);
  CAF_CHECK_EQUAL(count("C-1", history_kind::abandoned), 1u);
  check_contains(view("C-1").summary.reason, "refused");
  CAF_MESSAGE("the printer's stream went past the refused seq");
  CAF_CHECK_EQUAL(watermark(device_stream("C-1", "MFP-1")), 2u);
  CAF_MESSAGE("cancel: deprovisioning undoes only what was applied");
  CAF_REQUIRE(cancel("C-1"));
  pass(std::chrono::seconds{3});
  CAF_CHECK_EQUAL(state_of("C-1"), contract_state::ended);
  CAF_CHECK(device("MFP-1").state.apps.empty());
  for (auto& word : sent("C-1"))
    CAF_CHECK_NOT_EQUAL(word, "apps_remove@device/MFP-1");
  check_effects_once();
}

CAF_TEST(retry after the cause is fixed plans the abandoned step again) {
  enroll("MFP-1");
  CAF_REQUIRE(submit(make("C-2", 1, backup, R"(["MFP-1"])", started)));
  CAF_REQUIRE_EQUAL(state_of("C-2"), contract_state::degraded);
  rule->active = false;
  CAF_REQUIRE(
    ask<atom::ok>(contracts, atom::retry_v, contract_id{"C-2"}, requester{}));
  pass(std::chrono::seconds{3});
  CAF_CHECK_EQUAL(state_of("C-2"), contract_state::active);
  CAF_CHECK(!device("MFP-1").state.apps.empty());
}

CAF_TEST(a renewal after a refusal is not blocked by the refused seq) {
  enroll("MFP-1");
  CAF_REQUIRE(submit(make("C-3", 1, backup, R"(["MFP-1"])", started)));
  CAF_REQUIRE_EQUAL(state_of("C-3"), contract_state::degraded);
  CAF_MESSAGE("the renewal drops the service whose application the "
              "printer refuses (still refused)");
  CAF_REQUIRE(submit(
    make("C-3", 2, R"({"failure_prediction":{}})", R"(["MFP-1"])", started)));
  pass(std::chrono::seconds{3});
  CAF_CHECK_EQUAL(state_of("C-3"), contract_state::active);
}

CAF_TEST(cancel of a contract degraded by an offline printer ends it) {
  enroll("MFP-1");
  rule->active = false;
  set_online("MFP-1", false);
  CAF_REQUIRE(submit(make("C-4", 1, backup, R"(["MFP-1"])", started)));
  pass(std::chrono::seconds{65});
  CAF_REQUIRE_EQUAL(state_of("C-4"), contract_state::degraded);
  CAF_REQUIRE(cancel("C-4"));
  CAF_CHECK_EQUAL(state_of("C-4"), contract_state::deprovisioning);
  set_online("MFP-1", true);
  pass(std::chrono::seconds{10});
  CAF_CHECK_EQUAL(state_of("C-4"), contract_state::ended);
  CAF_CHECK(device("MFP-1").state.apps.empty());
  check_effects_once();
}

CAF_TEST(an answer to a request sent before a retry does not degrade again) {
  enroll("MFP-1");
  enroll("MFP-2");
  set_online("MFP-2", false);
  CAF_REQUIRE(submit(make("C-5", 1, backup, R"(["MFP-1","MFP-2"])", started)));
  CAF_MESSAGE("MFP-1 refused a step: left behind, while MFP-2 goes on");
  CAF_REQUIRE_EQUAL(state_of("C-5"), contract_state::provisioning);
  CAF_REQUIRE_EQUAL(view("C-5").devices.size(), 2u);
  CAF_REQUIRE(!view("C-5").devices[0].degraded.empty());
  CAF_MESSAGE("MFP-2's step is in flight (held offline); retry, its commit "
              "held, while that old request times out");
  rule->active = false;
  g->open = false;
  self->send(contracts, atom::retry_v, contract_id{"C-5"}, requester{});
  run();
  pass(std::chrono::seconds{6});
  drain(*g, contract_store, [this] { run(); });
  pass(std::chrono::seconds{2});
  CAF_CHECK_EQUAL(state_of("C-5"), contract_state::provisioning);
  set_online("MFP-2", true);
  pass(std::chrono::seconds{5});
  CAF_CHECK_EQUAL(state_of("C-5"), contract_state::active);
}

// One printer never blocks the others: a printer whose step is refused or
// misses its deadline is left behind alone; the contract names it once the
// others are done; retry resumes only what was left behind.

CAF_TEST(an offline printer does not stop the other two) {
  rule->active = false;
  config.max_devices_in_flight = 1;
  start_contracts();
  for (auto dev : {"MFP-1", "MFP-2", "MFP-3"})
    enroll(dev);
  set_online("MFP-1", false);
  view_of = "C-6";
  CAF_REQUIRE(
    submit(make("C-6", 1, backup, R"(["MFP-1","MFP-2","MFP-3"])", started)));
  CAF_MESSAGE("MFP-1 misses its deadline; then MFP-2 and MFP-3 go on, one "
              "at a time (the cap), and finish");
  pass(std::chrono::seconds{65});
  pass(std::chrono::seconds{10});
  CAF_REQUIRE_EQUAL(state_of("C-6"), contract_state::degraded);
  check_provisioned("MFP-2");
  check_provisioned("MFP-3");
  check_contains(view("C-6").summary.reason, "1 printer degraded: MFP-1 (");
  check_contains(progress("C-6", "MFP-1").degraded, "not acknowledged");
  CAF_CHECK(device("MFP-1").state.apps.empty());
  CAF_MESSAGE("retry once MFP-1 is back: only MFP-1 is resumed");
  set_online("MFP-1", true);
  auto lines_before = history("C-6").size();
  CAF_REQUIRE(retry("C-6"));
  pass(std::chrono::seconds{10});
  CAF_CHECK_EQUAL(state_of("C-6"), contract_state::active);
  check_provisioned("MFP-1");
  auto lines = history("C-6");
  for (auto i = lines_before; i < lines.size(); ++i)
    if (lines[i].kind == history_kind::sent)
      check_contains(lines[i].detail, "device=MFP-1");
  check_effects_once();
}

CAF_TEST(a printer that refuses a step is left behind and the other finishes) {
  enroll("MFP-1");
  enroll("MFP-2");
  view_of = "C-7";
  CAF_REQUIRE(submit(make("C-7", 1, backup, R"(["MFP-1","MFP-2"])", started)));
  pass(std::chrono::seconds{3});
  CAF_REQUIRE_EQUAL(state_of("C-7"), contract_state::degraded);
  check_provisioned("MFP-2");
  check_contains(view("C-7").summary.reason, "1 printer degraded: MFP-1 (");
  check_contains(progress("C-7", "MFP-1").degraded, "refused");
  CAF_MESSAGE("a renewal resumes the printer left behind");
  rule->active = false;
  CAF_REQUIRE(submit(make("C-7", 2, backup, R"(["MFP-1","MFP-2"])", started)));
  pass(std::chrono::seconds{3});
  CAF_CHECK_EQUAL(state_of("C-7"), contract_state::active);
  check_provisioned("MFP-1");
}

CAF_TEST(a skip whose ack died with its CONTRACT is sent again) {
  enroll("MFP-1");
  enroll("MFP-2");
  view_of = "C-9";
  self->send(contracts, atom::submit_v,
             make("C-9", 1, backup, R"(["MFP-1","MFP-2"])", started),
             requester{});
  // MFP-1's stream: firmware (seq 1), then the refused apps (seq 2), whose
  // skip takes seq 2.
  auto stream = device_stream("C-9", "MFP-1");
  CAF_MESSAGE("step until the printer has committed the skip");
  auto victim = step_until_committed(stream, 2);
  CAF_REQUIRE(victim != nullptr);
  CAF_REQUIRE_EQUAL(rule->refused, 1u);
  CAF_MESSAGE("the CONTRACT actor dies with the skip's ack on its way");
  caf::anon_send_exit(victim, caf::exit_reason::kill);
  run();
  pass(std::chrono::seconds{10});
  CAF_CHECK_EQUAL(state_of("C-9"), contract_state::degraded);
  check_contains(view("C-9").summary.reason, "1 printer degraded: MFP-1 (");
  check_provisioned("MFP-2");
  CAF_MESSAGE("the skip was sent again and its ack recorded: nothing pending");
  auto stored = actors::contract_storage::load(*env, contract_id{"C-9"});
  CAF_REQUIRE(stored && *stored);
  for (auto& s : (*stored)->streams) {
    CAF_MESSAGE(s.stream.to_string()
                << " last " << s.last_seq << " acked " << s.acked);
    CAF_CHECK_EQUAL(s.acked, s.last_seq);
  }
  CAF_CHECK_EQUAL(watermark(stream), 2u);
  check_effects_once();
}

CAF_TEST(a late refusal of a step already skipped degrades only its printer) {
  enroll("MFP-1");
  enroll("MFP-2");
  view_of = "C-10";
  // MFP-2's service steps are put off: the contract still provisions it
  // when the late refusal comes.
  stall->device = device_id{"MFP-2"};
  stall->active = true;
  rule->hold = sys.spawn(holding_printer, devices, rule);
  auto held = [&] {
    auto n = ask<size_t>(rule->hold, atom::get_v);
    CAF_REQUIRE(n);
    return *n;
  };

  self->send(contracts, atom::submit_v,
             make("C-10", 1, backup, R"(["MFP-1","MFP-2"])", started),
             requester{});
  CAF_MESSAGE("MFP-1's refused step is held at the printer");
  run();
  for (int i = 0; i < 100 && held() == 0; ++i) {
    advance_time(std::chrono::milliseconds{10});
    run();
  }
  CAF_REQUIRE_EQUAL(held(), 1u);
  CAF_MESSAGE("a peer back: the CONTRACT sends it once more");
  self->send(contracts, atom::resend_v);
  run();
  CAF_REQUIRE_EQUAL(held(), 2u);
  CAF_MESSAGE("the first is refused: the step is abandoned, its skip sent");
  self->send(rule->hold, atom::flush_v);
  run();
  CAF_REQUIRE_EQUAL(held(), 2u);
  CAF_MESSAGE("then the second, while the skip is on its way: it is no "
              "answer to the skip");
  self->send(rule->hold, atom::flush_v);
  run();
  self->send(rule->hold, atom::flush_v);
  run();
  CAF_CHECK_EQUAL(rule->refused, 2u);
  stop(rule->hold);
  rule->hold = nullptr;
  run();
  CAF_MESSAGE("MFP-2's service takes its steps now: they must still go");
  stall->active = false;
  pass(std::chrono::seconds{10});
  CAF_CHECK_EQUAL(state_of("C-10"), contract_state::degraded);
  check_contains(view("C-10").summary.reason, "1 printer degraded: MFP-1 (");
  for (auto& h : history("C-10"))
    CAF_CHECK(h.kind != history_kind::problem
              || h.detail.find("kind=skip") == std::string::npos);
  check_provisioned("MFP-2");
  check_effects_once();
}

CAF_TEST(a service step put off for one printer holds up no other printer) {
  rule->active = false;
  stall->active = true;
  enroll("MFP-1");
  enroll("MFP-2");
  view_of = "C-8";
  CAF_REQUIRE(submit(make("C-8", 1, backup, R"(["MFP-1","MFP-2"])", started)));
  pass(std::chrono::seconds{10});
  CAF_CHECK_EQUAL(state_of("C-8"), contract_state::provisioning);
  check_provisioned("MFP-2");
  CAF_CHECK(device("MFP-1").state.apps.empty());
  stall->active = false;
  pass(std::chrono::seconds{5});
  CAF_CHECK_EQUAL(state_of("C-8"), contract_state::active);
  check_provisioned("MFP-1");
  check_effects_once();
}

CAF_TEST_FIXTURE_SCOPE_END()
