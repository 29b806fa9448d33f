// The DEVICE ROUTER over two devices nodes d1 (local) and d2 (reached
// through its handle, as after its PEER LINK connected), on one
// deterministic scheduler. MFP-1, 3, 5 hash to d1; MFP-2, 4, 6 to d2.
#define CAF_SUITE device_router
#include "tests/cluster/cluster_fixture.hpp"

#include "actors/device_supervisor.hpp"
#include "actors/simulated_printer.hpp"
#include "nodes/cluster/device_router.hpp"
#include "tests/support/log_capture.hpp"

using namespace onset;
using namespace onset::actors;
using namespace onset::cluster;
using namespace onset::test;

namespace {

struct router_fixture : test_coordinator_fixture<nodes::system_config> {
  node_storage_parts d1;
  node_storage_parts d2;
  std::shared_ptr<const catalog> cat
    = std::make_shared<const catalog>(shipped_catalog());
  device_supervisor_actor d1_devices;
  device_supervisor_actor d2_devices;
  device_router_actor router;

  router_fixture() {
    d1.open(sys);
    d2.open(sys);
    auto printers = simulated_printer_factory(*cat, {});
    d1_devices = spawn_device_supervisor(sys, d1.store, *d1.env, printers);
    d2_devices = spawn_device_supervisor(sys, d2.store, *d2.env, printers);
    router = sys.spawn(device_router, std::vector<std::string>{"d1", "d2"},
                       "d1", d1_devices, std::chrono::seconds{5});
    reach_d2(true);
  }

  ~router_fixture() override {
    for (auto x : {caf::actor_cast<caf::actor>(router),
                   caf::actor_cast<caf::actor>(d1_devices),
                   caf::actor_cast<caf::actor>(d2_devices),
                   caf::actor_cast<caf::actor>(d1.store),
                   caf::actor_cast<caf::actor>(d2.store)})
      caf::anon_send_exit(x, caf::exit_reason::kill);
    sched.run();
  }

  /// What d2's PEER LINK would tell the router.
  void reach_d2(bool reachable) {
    self->send(router, atom::peer_v, std::string{"d2"},
               reachable ? d2_devices : device_supervisor_actor{});
    sched.run();
  }

  /// d2's STORE goes down: d2 still answers reads from its LMDB, but
  /// every write it is asked for fails.
  void stop_d2_store() {
    caf::anon_send_exit(d2.store, caf::exit_reason::kill);
    sched.run();
  }

  /// d2 restarts on its LMDB: a new STORE and DEVICE SUPERVISOR, which its
  /// PEER LINK reports to the router.
  void restart_d2() {
    caf::anon_send_exit(d2_devices, caf::exit_reason::kill);
    caf::anon_send_exit(d2.store, caf::exit_reason::kill);
    sched.run();
    d2.store = sys.spawn(persistence::store_behavior, d2.env.get());
    d2_devices = spawn_device_supervisor(sys, d2.store, *d2.env,
                                         simulated_printer_factory(*cat, {}));
    reach_d2(true);
  }

  template <class T, class Handle, class... Ts>
  caf::expected<T> ask(const Handle& dest, Ts&&... xs) {
    auto handle = self->request(dest, std::chrono::seconds{60},
                                std::forward<Ts>(xs)...);
    sched.run();
    caf::expected<T> result{caf::sec::request_timeout};
    if (self->mailbox().empty())
      return result;
    handle.receive([&](T& x) { result = std::move(x); },
                   [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  static std::vector<device_record> records(std::vector<int> numbers,
                                            const char* model = "MFP-C3000") {
    std::vector<device_record> result;
    for (auto n : numbers) {
      auto x = cluster_fixture::printer_record("MFP-" + std::to_string(n));
      x.model = model;
      result.push_back(x);
    }
    return result;
  }

  static std::vector<std::string> ids_of(const std::vector<device_record>& xs) {
    std::vector<std::string> result;
    for (auto& x : xs)
      result.push_back(x.id.str());
    return result;
  }

  std::vector<std::string> stored_on(const device_supervisor_actor& node) {
    auto xs = ask<std::vector<device_record>>(node, atom::list_v);
    CAF_REQUIRE(xs);
    return ids_of(*xs);
  }
};

using strings = std::vector<std::string>;

instruction firmware_step(const std::string& dev);

/// The router fixture, with a step for d2 sent and held there.
struct held_step_fixture : router_fixture {
  /// Sends a step for MFP-2 (on d2), whose printer is off line: d2 holds it
  /// unanswered.
  void send_held_step() {
    CAF_REQUIRE(ask<atom::ok>(router, atom::enroll_v, records({2})));
    CAF_REQUIRE(
      ask<atom::ok>(d2_devices, atom::online_v, device_id{"MFP-2"}, false));
    self->send(router, atom::apply_v, firmware_step("MFP-2"));
    sched.run();
    CAF_CHECK(self->mailbox().empty());
  }

  /// The answer waiting for the test actor, which must be an error.
  caf::error error_answer() {
    CAF_REQUIRE(!self->mailbox().empty());
    caf::error result;
    self->receive([](instruction_ack&) { CAF_FAIL("acked while held"); },
                  [&](caf::error& err) { result = std::move(err); });
    return result;
  }
};

/// A firmware step, seq 1, of contract C-1's stream to printer `dev`.
instruction firmware_step(const std::string& dev) {
  instruction x;
  x.stream = stream_id{contract_id{"C-1"}, target::device(device_id{dev})};
  x.seq = 1;
  x.kind = step_kind::firmware;
  x.device = device_id{dev};
  x.contract_version = 1;
  x.firmware = *firmware_version::parse("3.2.1");
  return x;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(device_router_tests, router_fixture)

CAF_TEST(enroll splits the printers over their nodes) {
  CAF_REQUIRE(
    ask<atom::ok>(router, atom::enroll_v, records({1, 2, 3, 4, 5, 6})));
  CAF_CHECK_EQUAL(stored_on(d1_devices), (strings{"MFP-1", "MFP-3", "MFP-5"}));
  CAF_CHECK_EQUAL(stored_on(d2_devices), (strings{"MFP-2", "MFP-4", "MFP-6"}));
  CAF_MESSAGE("list merges both nodes by id; records keeps the order asked");
  auto all = ask<std::vector<device_record>>(router, atom::list_v);
  CAF_REQUIRE(all);
  CAF_CHECK_EQUAL(ids_of(*all), (strings{"MFP-1", "MFP-2", "MFP-3", "MFP-4",
                                         "MFP-5", "MFP-6"}));
  auto some = ask<std::vector<device_record>>(
    router, atom::records_v,
    std::vector<device_id>{device_id{"MFP-4"}, device_id{"MFP-9"},
                           device_id{"MFP-1"}});
  CAF_REQUIRE(some);
  CAF_CHECK_EQUAL(ids_of(*some), (strings{"MFP-4", "MFP-1"}));
  CAF_MESSAGE("enrolling the same records again changes nothing");
  CAF_CHECK(ask<atom::ok>(router, atom::enroll_v, records({1, 2, 3, 4})));
  CAF_MESSAGE("no records: nothing to write, answered at once");
  CAF_CHECK(ask<atom::ok>(router, atom::enroll_v, records({})));
}

CAF_TEST(a conflict on one node writes nothing on any node) {
  CAF_REQUIRE(ask<atom::ok>(router, atom::enroll_v, records({2})));
  auto refused = ask<atom::ok>(router, atom::enroll_v,
                               records({1, 2, 3}, "other model"));
  CAF_REQUIRE(!refused);
  CAF_CHECK(is(refused.error(), error_code::invalid_input));
  CAF_CHECK_EQUAL(stored_on(d1_devices), strings{});
  CAF_CHECK_EQUAL(stored_on(d2_devices), strings{"MFP-2"});
}

CAF_TEST(two different records for one printer are refused before any write) {
  auto xs = records({1, 2});
  auto other = records({2}, "other model");
  xs.push_back(other[0]);
  auto refused = ask<atom::ok>(router, atom::enroll_v, xs);
  CAF_REQUIRE(!refused);
  CAF_CHECK(is(refused.error(), error_code::invalid_input));
  CAF_CHECK_EQUAL(stored_on(d1_devices), strings{});
  CAF_CHECK_EQUAL(stored_on(d2_devices), strings{});
}

CAF_TEST(an unreachable node refuses at once and writes nothing) {
  reach_d2(false);
  auto refused = ask<atom::ok>(router, atom::enroll_v, records({1, 2}));
  CAF_REQUIRE(!refused);
  CAF_CHECK(is(refused.error(), error_code::unreachable));
  CAF_CHECK_EQUAL(stored_on(d1_devices), strings{});
  CAF_MESSAGE("printers of the reachable node still answer");
  CAF_REQUIRE(ask<atom::ok>(router, atom::enroll_v, records({1})));
  CAF_CHECK(ask<device_view>(router, atom::get_v, device_id{"MFP-1"}));
  auto get = ask<device_view>(router, atom::get_v, device_id{"MFP-2"});
  CAF_REQUIRE(!get);
  CAF_CHECK(is(get.error(), error_code::unreachable));
  auto list = ask<std::vector<device_record>>(router, atom::list_v);
  CAF_REQUIRE(!list);
  CAF_CHECK(is(list.error(), error_code::unreachable));
  CAF_MESSAGE("back: everything answers again");
  reach_d2(true);
  CAF_CHECK(ask<atom::ok>(router, atom::enroll_v, records({2})));
  CAF_CHECK(ask<std::vector<device_record>>(router, atom::list_v));
}

CAF_TEST(a write failing on one node names what was written and what not ) {
  captured_log log;
  stop_d2_store();
  auto partial = ask<atom::ok>(router, atom::enroll_v, records({1, 2, 3, 4}));
  CAF_REQUIRE(!partial);
  auto text = error_detail(partial.error());
  CAF_MESSAGE("the error: " << text);
  CAF_CHECK_EQUAL(error_name(partial.error()), "partial");
  CAF_CHECK_EQUAL(text.rfind("partial: written node=d1 printers=MFP-1,MFP-3; "
                             "failed node=d2 printers=MFP-2,MFP-4 error=",
                             0),
                  0u);
  CAF_CHECK(text.find("; enroll the same records again to complete")
            != std::string::npos);
  CAF_CHECK(log.contains("enroll.partial router=devices written_nodes=1 "
                         "written=2 failed_nodes=1 failed=2"));
  CAF_CHECK_EQUAL(stored_on(d1_devices), (strings{"MFP-1", "MFP-3"}));
  CAF_CHECK_EQUAL(stored_on(d2_devices), strings{});
  CAF_MESSAGE("d2 back: the same records again complete the enrollment");
  restart_d2();
  CAF_CHECK(ask<atom::ok>(router, atom::enroll_v, records({1, 2, 3, 4})));
  CAF_CHECK_EQUAL(stored_on(d1_devices), (strings{"MFP-1", "MFP-3"}));
  CAF_CHECK_EQUAL(stored_on(d2_devices), (strings{"MFP-2", "MFP-4"}));
}

CAF_TEST(a printer registered with another record since the check fails only its
           node) {
  CAF_MESSAGE("two requests pass their checks before either writes; the "
              "second gives MFP-2 another customer");
  auto moved = records({2});
  moved[0].customer = customer_id{"globex"};
  auto second = records({3});
  second.push_back(moved[0]);
  auto first_req = self->request(router, std::chrono::seconds{60},
                                 atom::enroll_v, records({1, 2}));
  auto second_req = self->request(router, std::chrono::seconds{60},
                                  atom::enroll_v, second);
  sched.run();
  first_req.receive([](atom::ok) {},
                    [](caf::error& err) {
                      CAF_FAIL("first enroll failed: " << to_string(err));
                    });
  caf::error err;
  second_req.receive([](atom::ok) { CAF_FAIL("second enroll succeeded"); },
                     [&](caf::error& x) { err = std::move(x); });
  auto text = error_detail(err);
  CAF_MESSAGE("the error: " << text);
  CAF_CHECK_EQUAL(error_name(err), "partial");
  CAF_CHECK_EQUAL(text,
                  "partial: written node=d1 printers=MFP-3; failed node=d2 "
                  "printers=MFP-2 error=invalid_input: device MFP-2 is "
                  "registered with a different record; fix the refused "
                  "records, then enroll again to complete");
  CAF_CHECK_EQUAL(stored_on(d1_devices), (strings{"MFP-1", "MFP-3"}));
  CAF_CHECK_EQUAL(stored_on(d2_devices), strings{"MFP-2"});
  auto stored = ask<std::vector<device_record>>(
    router, atom::records_v, std::vector<device_id>{device_id{"MFP-2"}});
  CAF_REQUIRE(stored && stored->size() == 1);
  CAF_CHECK_EQUAL(stored->front().customer, customer_id{"acme"});
  CAF_MESSAGE("the same records again are refused before any write");
  auto again = ask<atom::ok>(router, atom::enroll_v, second);
  CAF_REQUIRE(!again);
  CAF_CHECK(is(again.error(), error_code::invalid_input));
}

CAF_TEST(a partial enrollment names a bounded number of printers per node) {
  stop_d2_store();
  std::vector<int> numbers;
  for (int n = 1; n <= 40; ++n)
    numbers.push_back(n);
  auto partial = ask<atom::ok>(router, atom::enroll_v, records(numbers));
  CAF_REQUIRE(!partial);
  CAF_CHECK_EQUAL(error_name(partial.error()), "partial");
  auto written = stored_on(d1_devices);
  CAF_REQUIRE_GREATER(written.size(), 5u);
  CAF_MESSAGE("the reply names the first five by id");
  std::sort(written.begin(), written.end());
  auto named = "written node=d1 printers=" + written[0] + "," + written[1] + ","
               + written[2] + "," + written[3] + "," + written[4] + " and "
               + std::to_string(written.size() - 5) + " more; ";
  auto text = error_detail(partial.error());
  CAF_MESSAGE("the error: " << text);
  CAF_CHECK(text.find(named) != std::string::npos);
  CAF_CHECK(text.find(" and " + std::to_string(40 - written.size() - 5)
                      + " more error=")
            != std::string::npos);
}

CAF_TEST(steps for a remote node cross as one batch and each gets its answer) {
  CAF_REQUIRE(ask<atom::ok>(router, atom::enroll_v, records({1, 2, 4, 6})));
  CAF_MESSAGE("three steps for d2 and one for d1, queued before the router "
              "runs");
  std::vector<std::string> printers{"MFP-2", "MFP-4", "MFP-1", "MFP-6"};
  for (auto& dev : printers)
    self->send(router, atom::apply_v, firmware_step(dev));
  expect((atom::apply, instruction), from(self).to(router));
  expect((atom::apply, instruction), from(self).to(router));
  expect((atom::apply, instruction), from(self).to(router));
  expect((atom::apply, instruction), from(self).to(router));
  expect((atom::flush, uint64_t), from(router).to(router));
  std::vector<instruction> for_d2{
    firmware_step("MFP-2"), firmware_step("MFP-4"), firmware_step("MFP-6")};
  expect((atom::apply, std::vector<instruction>, uint64_t, step_sink_actor),
         from(router).to(d2_devices).with(_, for_d2, _, _));
  sched.run();
  CAF_MESSAGE("every requester has its ack; each step applied once");
  std::vector<std::string> acked;
  while (!self->mailbox().empty())
    self->receive(
      [&](instruction_ack& ack) {
        CAF_CHECK_EQUAL(ack.seq, 1u);
        acked.push_back(ack.stream.to.name);
      },
      [](caf::error& err) { CAF_FAIL("step failed: " << to_string(err)); });
  std::sort(acked.begin(), acked.end());
  CAF_CHECK_EQUAL(acked, (strings{"MFP-1", "MFP-2", "MFP-4", "MFP-6"}));
}

CAF_TEST(a held step does not hold back the others of its batch) {
  CAF_REQUIRE(ask<atom::ok>(router, atom::enroll_v, records({2, 4})));
  CAF_REQUIRE(
    ask<atom::ok>(d2_devices, atom::online_v, device_id{"MFP-2"}, false));
  self->send(router, atom::apply_v, firmware_step("MFP-2"));
  self->send(router, atom::apply_v, firmware_step("MFP-4"));
  sched.run();
  std::vector<std::string> acked;
  while (!self->mailbox().empty())
    self->receive(
      [&](instruction_ack& ack) { acked.push_back(ack.stream.to.name); });
  CAF_CHECK_EQUAL(acked, strings{"MFP-4"});
  CAF_MESSAGE("back on line, the held step is applied and answered");
  CAF_REQUIRE(
    ask<atom::ok>(d2_devices, atom::online_v, device_id{"MFP-2"}, true));
  sched.run();
  CAF_REQUIRE(!self->mailbox().empty());
  self->receive([&](instruction_ack& ack) {
    CAF_CHECK_EQUAL(ack.stream.to.name, "MFP-2");
  });
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST_FIXTURE_SCOPE(step_expiry_tests, held_step_fixture)

CAF_TEST(a step unanswered for two ticks expires with request_timeout) {
  send_held_step();
  CAF_MESSAGE("the first tick (the router's timeout, 5 s, later) finds it "
              "sent since the tick before: it waits");
  sched.advance_time(std::chrono::seconds{5});
  sched.run();
  CAF_CHECK(self->mailbox().empty());
  CAF_MESSAGE("the second tick expires it");
  sched.advance_time(std::chrono::seconds{5});
  sched.run();
  CAF_CHECK(error_answer() == caf::sec::request_timeout);
}

CAF_TEST(a node going down fails its waiting steps with unreachable) {
  send_held_step();
  reach_d2(false);
  CAF_CHECK(is(error_answer(), error_code::unreachable));
}

CAF_TEST_FIXTURE_SCOPE_END()
