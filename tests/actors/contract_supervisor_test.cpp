// The CONTRACT SUPERVISOR runs exactly one CONTRACT actor per contract, even
// when a due date fires between the write of a new contract and the STORE's
// answer (seen in the five-node cluster test: two actors for one contract
// fought over its outbox until the contract was degraded). A printer's
// record changes, or the printer is decommissioned, only when no contract
// that has not ended names it, whatever the order of the messages
// (actors/device_changes.hpp).
#define CAF_SUITE contract_supervisor
#include "tests/actors/receiver_fixture.hpp"

#include "actors/contract_supervisor.hpp"
#include "actors/gateway.hpp"
#include "messages/contract_json.hpp"
#include "messages/error_code.hpp"

using namespace onset;
using namespace onset::actors;
using namespace onset::test;

namespace {

struct supervisor_fixture : receiver_fixture {
  utc_time now = *utc_time::parse_rfc3339("2026-11-30T00:00:00Z");
  /// How far the wall clock is into the second `now`.
  actors::engine_config::duration into{0};
  actors::engine_config config;
  actors::contract_supervisor_actor contracts;

  supervisor_fixture() {
    auto ctx = std::make_shared<actors::contract_context>();
    ctx->cat = cat;
    ctx->env = env.get();
    ctx->store = store;
    ctx->devices = devices;
    ctx->services = services;
    ctx->config = config;
    ctx->now = [this] { return now; };
    ctx->into_second = [this] { return into; };
    contracts = sys.spawn(actors::contract_supervisor_behavior,
                          std::shared_ptr<const contract_context>{ctx},
                          devices);
    // Runs messages only: the supervisor's date timer re-arms forever.
    sched.run();
  }

  ~supervisor_fixture() override {
    stop(contracts);
    sched.run();
  }

  /// Registers MFP-1 for acme (sched.run(), never run(): the supervisor's
  /// date timer re-arms forever, so run() would never return).
  void enroll_printer() {
    device_record printer{
      device_id{"MFP-1"}, customer_id{"acme"}, "MFP-C3000", fw("2.4.0"), {}};
    self->send(devices, atom::enroll_v, std::vector<device_record>{printer});
    sched.run();
    self->receive([](atom::ok) {});
  }

  /// Contract C-1 of acme for MFP-1, from `start` to 2027-11-01.
  contract contract_starting(const std::string& start) {
    auto doc = parse_contract(
      R"({"id":"C-1","version":1,"customer":"acme","start":")" + start
        + R"(","end":"2027-11-01T00:00:00Z","devices":["MFP-1"],)"
        + R"("services":{"data_backup":{}}})",
      *cat);
    CAF_REQUIRE(doc);
    return doc.value();
  }

  /// The supervisor's feed after position `after` (at most 100 events).
  event_page read_feed(uint64_t after) {
    event_page cursor;
    cursor.next = after;
    self->send(contracts, atom::feed_v, std::vector<event_page>{cursor},
               uint64_t{100});
    sched.run();
    event_page result;
    self->receive([&](std::vector<event_page>& xs) {
      CAF_REQUIRE_EQUAL(xs.size(), 1u);
      result = std::move(xs.front());
    });
    return result;
  }

  /// The CONTRACT actors the supervisor spawned and that still run.
  size_t contract_actors() {
    using impl = actors::contract_supervisor_actor::stateful_base<
      actors::contract_supervisor_state>;
    auto* ptr
      = dynamic_cast<impl*>(caf::actor_cast<caf::abstract_actor*>(contracts));
    CAF_REQUIRE(ptr != nullptr);
    return ptr->state.by_address.size();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(contract_supervisor_tests, supervisor_fixture)

CAF_TEST(a due date during the write of a new contract spawns one actor) {
  enroll_printer();
  auto doc = contract_starting("2026-11-01T00:00:00Z");
  self->send(contracts, atom::submit_v, doc, requester{});
  expect((atom::submit, contract, requester), from(self).to(contracts));
  expect((atom::records, std::vector<device_id>), from(contracts).to(devices));
  expect((std::vector<device_record>), from(devices).to(contracts));
  CAF_MESSAGE("the supervisor asked the STORE to write C-1 and its dates; "
              "its date timer fires before the STORE answers");
  CAF_REQUIRE_EQUAL(contract_actors(), 0u);
  sched.clock().advance_time(config.timer_poll);
  sched.run();
  CAF_CHECK_EQUAL(contract_actors(), 1u);
  self->receive([](submit_result&) {});
}

CAF_TEST(a start date fires at the start of its second) {
  using std::chrono::milliseconds;
  enroll_printer();
  auto doc = contract_starting("2026-11-30T00:00:01Z");
  self->send(contracts, atom::submit_v, doc, requester{});
  sched.run();
  self->receive([](submit_result&) {});
  auto state = [this] {
    self->send(contracts, atom::get_v, contract_id{"C-1"});
    sched.run();
    auto result = contract_state::ended;
    self->receive([&](contract_view& x) { result = x.summary.state; });
    return result;
  };
  CAF_MESSAGE("the poll finds the start one second ahead, 400 ms into the "
              "current second: the next check is 600 ms away, not 1 s");
  into = milliseconds{400};
  sched.clock().advance_time(config.timer_poll);
  sched.run();
  CAF_CHECK_EQUAL(state(), contract_state::scheduled);
  now.seconds += 1;
  into = milliseconds{0};
  sched.clock().advance_time(milliseconds{599});
  sched.run();
  CAF_CHECK_EQUAL(state(), contract_state::scheduled);
  sched.clock().advance_time(milliseconds{1});
  sched.run();
  CAF_CHECK_NOT_EQUAL(state(), contract_state::scheduled);
}

CAF_TEST(every state change is announced in the feed with the change) {
  enroll_printer();
  self->send(contracts, atom::submit_v,
             contract_starting("2026-11-01T00:00:00Z"), requester{"billing"});
  sched.run();
  self->receive([](submit_result&) {});
  sched.clock().advance_time(config.timer_poll);
  sched.run();
  self->send(contracts, atom::cancel_v, contract_id{"C-1"}, requester{"ops"});
  sched.run();
  self->receive([](atom::ok) {});
  auto page = read_feed(0);
  std::vector<std::string> types;
  for (auto& x : page.events)
    types.push_back(x.type);
  CAF_CHECK_EQUAL(types, (std::vector<std::string>{
                           "contract.accepted", "contract.provisioning",
                           "contract.active", "contract.deprovisioning",
                           "contract.ended"}));
  CAF_CHECK_EQUAL(page.end, page.events.size());
  CAF_CHECK_EQUAL(page.next, page.end);
  CAF_REQUIRE_EQUAL(page.events.size(), 5u);
  CAF_CHECK_EQUAL(page.events[0].by, "billing");
  CAF_CHECK_EQUAL(page.events[3].by, "ops");
  CAF_CHECK_EQUAL(page.events[3].from, "active");
  CAF_CHECK_EQUAL(page.events[3].to, "deprovisioning");
  CAF_MESSAGE("each state entered is one transition line of the history");
  self->send(contracts, atom::history_v, contract_id{"C-1"});
  sched.run();
  size_t transitions = 0;
  self->receive([&](std::vector<history_entry>& xs) {
    for (auto& x : xs)
      transitions += x.kind == history_kind::transition ? 1 : 0;
  });
  CAF_CHECK_EQUAL(transitions, 4u);
  CAF_MESSAGE("a read after the end finds nothing new");
  auto rest = read_feed(page.next);
  CAF_CHECK(rest.events.empty());
  CAF_CHECK_EQUAL(rest.next, page.next);
}

CAF_TEST(events older than the retention leave the feed at the next prune) {
  enroll_printer();
  self->send(contracts, atom::submit_v,
             contract_starting("2026-11-01T00:00:00Z"), requester{});
  sched.run();
  self->receive([](submit_result&) {});
  sched.clock().advance_time(config.timer_poll);
  sched.run();
  self->send(contracts, atom::cancel_v, contract_id{"C-1"}, requester{});
  sched.run();
  self->receive([](atom::ok) {});
  auto old = read_feed(0);
  CAF_REQUIRE_EQUAL(old.events.size(), 5u);
  CAF_MESSAGE("31 days later (retention: 30), C-2 is accepted");
  now.seconds += 31 * 24 * 3600;
  auto doc = parse_contract(
    R"({"id":"C-2","version":1,"customer":"acme",)"
    R"("start":"2030-01-01T00:00:00Z","end":"2031-01-01T00:00:00Z",)"
    R"("devices":["MFP-1"],"services":{"data_backup":{}}})",
    *cat);
  CAF_REQUIRE(doc);
  self->send(contracts, atom::submit_v, doc.value(), requester{});
  sched.run();
  self->receive([](submit_result&) {});
  CAF_REQUIRE_EQUAL(read_feed(0).events.size(), 6u);
  CAF_MESSAGE("the next prune removes C-1's five events, keeps C-2's");
  sched.clock().advance_time(config.event_prune_interval);
  sched.run();
  auto kept = read_feed(0);
  CAF_REQUIRE_EQUAL(kept.events.size(), 1u);
  CAF_CHECK_EQUAL(kept.events[0].contract, contract_id{"C-2"});
  CAF_CHECK_EQUAL(kept.events[0].type, "contract.accepted");
  CAF_CHECK_EQUAL(kept.events[0].position, 6u);
  CAF_CHECK_EQUAL(kept.end, 6u);
  CAF_MESSAGE("a cursor before the oldest kept event reads on from it");
  auto from_old = read_feed(2);
  CAF_REQUIRE_EQUAL(from_old.events.size(), 1u);
  CAF_CHECK_EQUAL(from_old.events[0].position, 6u);
  CAF_CHECK_EQUAL(read_feed(6).events.size(), 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()

namespace {

struct change_fixture : supervisor_fixture {
  gateway_actor gateway;
  device_record printer{device_id{"MFP-1"},
                        customer_id{"acme"},
                        "MFP-C3000",
                        fw("2.4.0"),
                        {}};

  change_fixture() {
    gateway_routes routes{contracts, devices, services, {}};
    gateway = sys.spawn(gateway_behavior, routes,
                        std::shared_ptr<const catalog>{cat},
                        std::chrono::seconds{5});
    sched.run();
    enroll_printer();
  }

  ~change_fixture() override {
    stop(gateway);
    sched.run();
  }

  size_t settle() override {
    return sched.run();
  }

  device_record with_model(const char* model) {
    auto x = printer;
    x.model = model;
    return x;
  }

  caf::expected<atom::ok> update(const device_record& after) {
    return ask<atom::ok>(gateway, atom::update_v, printer, after,
                         requester{"ops"});
  }

  caf::expected<atom::ok> decommission() {
    return ask<atom::ok>(gateway, atom::remove_v, printer, requester{"ops"});
  }

  std::string model_now() {
    auto view = ask<device_view>(devices, atom::get_v, printer.id);
    CAF_REQUIRE(view);
    return view->state.registration.model;
  }

  caf::expected<submit_result> submit(const contract& doc) {
    return ask<submit_result>(contracts, atom::submit_v, doc, requester{});
  }

  contract_state state_of(const char* id) {
    auto view = ask<contract_view>(contracts, atom::get_v, contract_id{id});
    CAF_REQUIRE(view);
    return view->summary.state;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(printer_change_tests, change_fixture)

CAF_TEST(
  a printer is changed only when no contract that has not ended names it) {
  CAF_REQUIRE(submit(contract_starting("2026-12-15T00:00:00Z")));
  auto refused = update(with_model("MFP-C9000"));
  CAF_REQUIRE(!refused);
  CAF_CHECK(is(refused.error(), error_code::wrong_state));
  auto text = sys.render(refused.error());
  CAF_MESSAGE("refused: " << text);
  CAF_CHECK(text.find("C-1 (scheduled)") != std::string::npos);
  CAF_CHECK(!decommission());
  CAF_CHECK_EQUAL(model_now(), "MFP-C3000");
  CAF_MESSAGE("once C-1 has ended, MFP-1 is free");
  CAF_REQUIRE(
    ask<atom::ok>(contracts, atom::cancel_v, contract_id{"C-1"}, requester{}));
  CAF_REQUIRE_EQUAL(state_of("C-1"), contract_state::ended);
  CAF_REQUIRE(update(with_model("MFP-C9000")));
  CAF_CHECK_EQUAL(model_now(), "MFP-C9000");
  CAF_MESSAGE("a change from a record that is no longer current is refused");
  CAF_CHECK(!update(with_model("MFP-C1")));
  printer = with_model("MFP-C9000");
  CAF_REQUIRE(decommission());
  auto gone = ask<device_view>(devices, atom::get_v, printer.id);
  CAF_CHECK(!gone && is(gone.error(), error_code::unknown_device));
  auto renewal = contract_starting("2026-12-15T00:00:00Z");
  renewal.version = 2;
  auto refused_renewal = submit(renewal);
  CAF_CHECK(!refused_renewal
            && is(refused_renewal.error(), error_code::unknown_device));
}

CAF_TEST(a change waits for no submission that read the printer record) {
  auto doc = contract_starting("2026-12-15T00:00:00Z");
  auto submitted = self->request(contracts, caf::infinite, atom::submit_v, doc,
                                 requester{});
  expect((atom::submit, contract, requester), from(self).to(contracts));
  expect((atom::records, std::vector<device_id>), from(contracts).to(devices));
  expect((std::vector<device_record>), from(devices).to(contracts));
  CAF_MESSAGE("C-1 has read MFP-1's record; its write waits at the STORE "
              "while the change holds MFP-1 and asks who holds it");
  auto changed = self->request(gateway, caf::infinite, atom::update_v, printer,
                               with_model("MFP-C9000"), requester{"ops"});
  expect((atom::update, device_record, device_record, requester),
         from(self).to(gateway));
  expect((atom::hold, device_id, uint64_t), from(gateway).to(devices));
  expect((device_record), from(devices).to(gateway));
  expect((atom::holders, device_id), from(gateway).to(contracts));
  sched.run();
  bool accepted = false;
  submitted.receive([&](submit_result&) { accepted = true; },
                    [&](caf::error&) {});
  std::string refusal;
  changed.receive([](atom::ok) {},
                  [&](caf::error& err) { refusal = sys.render(err); });
  CAF_CHECK(accepted);
  CAF_MESSAGE("the change: " << (refusal.empty() ? "done" : refusal));
  CAF_CHECK(refusal.find("in flight") != std::string::npos);
  CAF_CHECK_EQUAL(model_now(), "MFP-C3000");
}

CAF_TEST(a held printer is refused to new contracts until released
         or the hold lapses) {
  auto held = ask<device_record>(devices, atom::hold_v, printer.id,
                                 uint64_t{7});
  CAF_REQUIRE(held);
  CAF_CHECK_EQUAL(*held, printer);
  auto refused = submit(contract_starting("2026-12-15T00:00:00Z"));
  CAF_REQUIRE(!refused);
  CAF_CHECK(is(refused.error(), error_code::wrong_state));
  CAF_MESSAGE("a second hold is refused while the first lasts");
  CAF_CHECK(
    !ask<device_record>(devices, atom::hold_v, printer.id, uint64_t{8}));
  self->send(devices, atom::release_v, printer.id, uint64_t{7});
  sched.run();
  CAF_CHECK(submit(contract_starting("2026-12-15T00:00:00Z")));
  CAF_REQUIRE(
    ask<device_record>(devices, atom::hold_v, printer.id, uint64_t{8}));
  sched.clock().advance_time(receiver_options{}.change_hold);
  sched.run();
  CAF_MESSAGE("the hold lapsed: a change under it is refused, a submission "
              "taken in");
  CAF_CHECK(!ask<atom::ok>(devices, atom::update_v, printer.id, uint64_t{8},
                           with_model("MFP-C9000")));
  auto again = contract_starting("2026-12-15T00:00:00Z");
  again.version = 2;
  CAF_CHECK(submit(again));
  CAF_CHECK_EQUAL(model_now(), "MFP-C3000");
}

CAF_TEST_FIXTURE_SCOPE_END()
