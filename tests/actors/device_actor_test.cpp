#define CAF_SUITE device_actor
#include "actors/contract_supervisor.hpp"
#include "messages/contract_json.hpp"
#include "persistence/caf_error.hpp"
#include "tests/actors/endpoint_fixture.hpp"
#include "tests/actors/receiver_fixture.hpp"
#include "tests/support/log_capture.hpp"
#include "tests/support/refusal.hpp"

using namespace onset;
using namespace onset::actors;
using namespace onset::test;
using namespace std::chrono_literals;

namespace {

const setting_value on = setting_value::of_flag(true);

/// Puts the receiver's watermark of `stream` back to `seq`, as a restore of
/// its node's store from an older copy would.
persistence::write_batch watermark_back(stream_id stream, uint64_t seq) {
  return [stream = std::move(stream), seq](persistence::write_txn& txn) {
    return persistence::to_error(
      persistence::receiver_ledger::lower_applied(txn, stream, seq));
  };
}

/// `x`, sent again by a resync: its receiver acked it before.
instruction acked_before(instruction x) {
  x.acked_before = true;
  return x;
}

struct fixture : receiver_fixture {
  stream_id s1 = device_stream("C-1", "MFP-1");

  fixture() {
    enroll("MFP-1");
  }

  instruction firmware(uint64_t seq, const char* version = "3.2.1") {
    auto x = step(s1, seq, step_kind::firmware, "MFP-1");
    x.firmware = fw(version);
    return x;
  }

  instruction apps(uint64_t seq, std::vector<std::string> names) {
    auto x = step(s1, seq, step_kind::apps_install, "MFP-1");
    x.apps = std::move(names);
    return x;
  }

  instruction values(uint64_t seq, settings xs) {
    auto x = step(s1, seq, step_kind::settings_apply, "MFP-1");
    x.values = std::move(xs);
    return x;
  }

  caf::expected<instruction_ack> apply(instruction x) {
    return ask<instruction_ack>(devices, atom::apply_v, std::move(x));
  }

  device_view view(const std::string& id = "MFP-1") {
    auto result = ask<device_view>(devices, atom::get_v, device_id{id});
    CAF_REQUIRE(result);
    return std::move(*result);
  }

  void set_online(bool online) {
    CAF_REQUIRE(
      ask<atom::ok>(devices, atom::online_v, device_id{"MFP-1"}, online));
  }

  /// The DEVICE actor of `id` running now, if any.
  const actors::device_worker_actor* worker(const std::string& id) {
    using impl = actors::device_supervisor_actor::stateful_base<
      actors::device_supervisor_state>;
    return deref<impl>(devices).state.workers.find(device_id{id});
  }

  instruction_ack ack(uint64_t seq) {
    return instruction_ack{s1, seq};
  }

  /// Seq 1 (firmware 3.2.1) applied once, and the late batch's setting kept.
  void check_applied_on_top_of_late_batch() {
    auto v = view();
    CAF_CHECK_EQUAL(v.state.firmware, fw("3.2.1"));
    CAF_CHECK(v.state.values == settings{{"telemetry.toner_level", on}});
    CAF_CHECK_EQUAL(effects(s1, 1), 1u);
  }

  /// What a crashed predecessor's batch does when it commits late: it turns
  /// a setting on and applies seq 1 of another stream.
  persistence::write_batch late_batch() {
    return [s2 = device_stream("C-2", "MFP-1")](persistence::write_txn& txn) {
      auto stored = persistence::device_store::get(txn, device_id{"MFP-1"});
      if (!stored || !*stored)
        return refusal(error_code::unknown_device, "MFP-1");
      auto changed = **stored;
      changed.values["telemetry.toner_level"] = on;
      if (auto st = persistence::device_store::put(txn, changed); !st)
        return persistence::to_error(st);
      if (auto st = persistence::receiver_ledger::set_applied(txn, s2, 1); !st)
        return persistence::to_error(st);
      return persistence::to_error(
        persistence::receiver_ledger::count_effect(txn, s2, 1));
    };
  }
};

/// A simulated printer that, once, commits `late` straight to the store
/// while it executes: after the DEVICE read the printer's state, before the
/// DEVICE's own commit. (Safe on the deterministic scheduler: no other
/// writer runs meanwhile.)
class racing_driver : public device_driver {
public:
  racing_driver(std::unique_ptr<actors::device_driver> inner,
                persistence::environment& env, persistence::write_batch late,
                std::shared_ptr<bool> pending)
    : inner_(std::move(inner)),
      env_(env),
      late_(std::move(late)),
      pending_(std::move(pending)) {
  }

  std::chrono::nanoseconds latency(const instruction& x) const override {
    return inner_->latency(x);
  }

  actors::driver_result apply(const device_state& current,
                              const instruction& x) override {
    if (*pending_) {
      *pending_ = false;
      auto txn = env_.begin_write();
      if (auto err = late_(txn))
        CAF_FAIL("late batch failed: " << caf::to_string(err));
      CAF_REQUIRE(txn.commit());
    }
    return inner_->apply(current, x);
  }

private:
  std::unique_ptr<actors::device_driver> inner_;
  persistence::environment& env_;
  persistence::write_batch late_;
  std::shared_ptr<bool> pending_;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(device_actor_tests, fixture)

CAF_TEST(instructions in order are applied and acknowledged) {
  CAF_CHECK_EQUAL(apply(firmware(1)), ack(1));
  CAF_CHECK_EQUAL(apply(apps(2, {"backup-agent"})), ack(2));
  CAF_CHECK_EQUAL(apply(values(3, {{"backup.enabled", on}})), ack(3));
  auto v = view();
  CAF_CHECK_EQUAL(v.state.firmware, fw("3.2.1"));
  CAF_CHECK(v.state.apps == std::vector<std::string>{"backup-agent"});
  CAF_CHECK(v.state.values == settings{{"backup.enabled", on}});
  CAF_CHECK(v.applied == std::vector<stream_watermark>{{s1, 3}});
  for (uint64_t seq = 1; seq <= 3; ++seq)
    CAF_CHECK_EQUAL(effects(s1, seq), 1u);
}

CAF_TEST(a duplicate is re - acked without a second effect) {
  CAF_CHECK_EQUAL(apply(firmware(1)), ack(1));
  CAF_CHECK_EQUAL(apply(firmware(1)), ack(1));
  CAF_CHECK_EQUAL(apply(apps(2, {"backup-agent"})), ack(2));
  CAF_MESSAGE("a late duplicate is answered with the current watermark");
  CAF_CHECK_EQUAL(apply(firmware(1)), ack(2));
  CAF_CHECK_EQUAL(executed(s1, 1), 1u);
  CAF_CHECK_EQUAL(executed(s1, 2), 1u);
  CAF_CHECK_EQUAL(effects(s1, 1), 1u);
  CAF_CHECK_EQUAL(effects(s1, 2), 1u);
}

CAF_TEST(the same seq with other content is a conflict and not an ack) {
  CAF_CHECK_EQUAL(apply(firmware(1)), ack(1));
  auto other = apply(firmware(1, "9.9.9"));
  CAF_REQUIRE(!other);
  CAF_CHECK_EQUAL(error_name(other.error()), "conflict");
  CAF_CHECK_EQUAL(effects(s1, 1), 1u);
  CAF_CHECK_EQUAL(view().state.firmware, fw("3.2.1"));
  CAF_MESSAGE("the same content again is still a duplicate");
  CAF_CHECK_EQUAL(apply(firmware(1)), ack(1));
}

CAF_TEST(a re - acked duplicate is logged as step.duplicate) {
  CAF_CHECK_EQUAL(apply(firmware(1)), ack(1));
  captured_log log;
  CAF_CHECK_EQUAL(apply(firmware(1)), ack(1));
  CAF_CHECK(log.contains("info step.duplicate device=MFP-1 stream="
                         + s1.to_string() + " seq=1 applied=1\n"));
}

CAF_TEST(a gap is answered with the watermark and nothing is applied) {
  CAF_CHECK_EQUAL(apply(apps(3, {"backup-agent"})), ack(0));
  CAF_CHECK_EQUAL(apply(firmware(1)), ack(1));
  CAF_CHECK_EQUAL(apply(apps(3, {"backup-agent"})), ack(1));
  CAF_CHECK_EQUAL(effects(s1, 3), 0u);
  CAF_CHECK(view().state.apps.empty());
}

CAF_TEST(a lost ack is resent and re - acked without a second effect) {
  CAF_MESSAGE("the ack of seq 1 goes nowhere (an anonymous request)");
  caf::anon_send(devices, atom::apply_v, firmware(1));
  run();
  CAF_CHECK_EQUAL(watermark(s1), 1u);
  CAF_MESSAGE("the sender's timeout fires and it resends");
  CAF_CHECK_EQUAL(apply(firmware(1)), ack(1));
  CAF_CHECK_EQUAL(effects(s1, 1), 1u);
}

CAF_TEST(the simulated printer performs again what was acked before) {
  CAF_CHECK_EQUAL(apply(firmware(1)), ack(1));
  CAF_MESSAGE("the store goes back: the simulated printer's state lives in "
              "it, so the effect went back too");
  CAF_REQUIRE(ask<atom::ok>(store, atom::write_v, watermark_back(s1, 0)));
  CAF_CHECK_EQUAL(apply(acked_before(firmware(1))), ack(1));
  CAF_CHECK_EQUAL(executed(s1, 1), 2u);
  CAF_CHECK_EQUAL(watermark(s1), 1u);
}

CAF_TEST(the simulated printer refuses apps below their firmware) {
  auto refused = apply(apps(1, {"backup-agent"}));
  CAF_REQUIRE(!refused);
  CAF_CHECK(is(refused.error(), error_code::refused));
  CAF_CHECK_EQUAL(error_reason(refused.error()),
                  "application backup-agent needs firmware 3.0.0, printer "
                  "runs 2.4.0");
  CAF_CHECK_EQUAL(watermark(s1), 0u);
  CAF_CHECK_EQUAL(effects(s1, 1), 0u);
}

CAF_TEST(the simulated printer refuses settings before their apps) {
  CAF_CHECK_EQUAL(apply(firmware(1)), ack(1));
  auto refused = apply(values(2, {{"backup.enabled", on}}));
  CAF_REQUIRE(!refused);
  CAF_CHECK(is(refused.error(), error_code::refused));
  CAF_CHECK_EQUAL(error_reason(refused.error()),
                  "setting backup.enabled needs application backup-agent, "
                  "which is not installed");
  CAF_CHECK_EQUAL(watermark(s1), 1u);
  CAF_MESSAGE("in the right order, the same step goes through");
  CAF_CHECK_EQUAL(apply(apps(2, {"backup-agent"})), ack(2));
  CAF_CHECK_EQUAL(apply(values(3, {{"backup.enabled", on}})), ack(3));
}

CAF_TEST(an offline printer holds its steps and catches up in order) {
  set_online(false);
  CAF_CHECK_EQUAL(view().state.online, false);
  auto first = self->request(devices, caf::infinite, atom::apply_v,
                             firmware(1));
  auto second = self->request(devices, caf::infinite, atom::apply_v,
                              apps(2, {"backup-agent"}));
  run();
  CAF_CHECK(!self->has_next_message());
  CAF_CHECK_EQUAL(watermark(s1), 0u);
  CAF_MESSAGE("back on line: both apply, in order");
  set_online(true);
  std::vector<uint64_t> acked;
  auto collect = [&](instruction_ack& x) { acked.push_back(x.seq); };
  auto fail = [&](caf::error& err) { CAF_FAIL(error_detail(err)); };
  first.receive(collect, fail);
  second.receive(collect, fail);
  CAF_CHECK(acked == std::vector<uint64_t>({1, 2}));
  CAF_CHECK(view().state.online);
  CAF_CHECK(view().state.apps == std::vector<std::string>{"backup-agent"});
}

CAF_TEST(a resend while held replaces the waiting copy) {
  set_online(false);
  auto first = self->request(devices, caf::infinite, atom::apply_v,
                             firmware(1));
  auto resent = self->request(devices, caf::infinite, atom::apply_v,
                              firmware(1));
  run();
  CAF_MESSAGE("the first copy is released at once, the resend waits");
  first.receive(
    [&](instruction_ack&) { CAF_FAIL("superseded copy was acked"); },
    [&](caf::error& err) {
      CAF_CHECK(is(err, error_code::transient));
      CAF_CHECK_EQUAL(error_reason(err), "superseded by a resend");
    });
  CAF_CHECK(!self->has_next_message());
  set_online(true);
  resent.receive([&](instruction_ack& x) { CAF_CHECK_EQUAL(x, ack(1)); },
                 [&](caf::error& err) { CAF_FAIL(error_detail(err)); });
  CAF_CHECK_EQUAL(effects(s1, 1), 1u);
}

CAF_TEST(the online switch survives a restart) {
  set_online(false);
  start_devices();
  CAF_CHECK_EQUAL(view().state.online, false);
}

CAF_TEST(an injected failure rate of one gives transient) {
  printer.failure_rate = 1.0;
  start_devices();
  auto failed = apply(firmware(1));
  CAF_REQUIRE(!failed);
  CAF_CHECK(is(failed.error(), error_code::transient));
  CAF_CHECK_EQUAL(error_reason(failed.error()), "injected failure");
  CAF_CHECK_EQUAL(watermark(s1), 0u);
  CAF_CHECK_EQUAL(view().state.firmware, fw("2.4.0"));
}

CAF_TEST(a step takes the latency of the printer) {
  printer.firmware_latency = 5s;
  start_devices();
  auto pending = self->request(devices, caf::infinite, atom::apply_v,
                               firmware(1));
  sched.run();
  CAF_CHECK(!self->has_next_message());
  CAF_CHECK_EQUAL(watermark(s1), 0u);
  advance_time(5s);
  sched.run();
  pending.receive([&](instruction_ack& x) { CAF_CHECK_EQUAL(x, ack(1)); },
                  [&](caf::error& err) { CAF_FAIL(error_detail(err)); });
}

CAF_TEST(state and watermarks survive a crash of the DEVICE actor) {
  CAF_CHECK_EQUAL(apply(firmware(1)), ack(1));
  CAF_CHECK_EQUAL(apply(apps(2, {"backup-agent"})), ack(2));
  auto before = view();
  auto crashed = worker("MFP-1");
  CAF_REQUIRE(crashed != nullptr);
  auto crashed_id = crashed->id();
  caf::anon_send_exit(*crashed, caf::exit_reason::kill);
  run();
  CAF_MESSAGE("the supervisor respawned it; it reloaded from the store");
  auto respawned = worker("MFP-1");
  CAF_REQUIRE(respawned != nullptr);
  CAF_CHECK_NOT_EQUAL(respawned->id(), crashed_id);
  CAF_CHECK_EQUAL(view(), before);
  CAF_CHECK_EQUAL(apply(apps(2, {"backup-agent"})), ack(2));
  CAF_CHECK_EQUAL(apply(values(3, {{"backup.enabled", on}})), ack(3));
  for (uint64_t seq = 1; seq <= 3; ++seq)
    CAF_CHECK_EQUAL(effects(s1, seq), 1u);
}

CAF_TEST(a step builds on the printer state in the store and not on a copy) {
  view();
  CAF_MESSAGE("a late batch of a crashed predecessor changes the printer "
              "behind the running DEVICE actor's back");
  CAF_REQUIRE(ask<atom::ok>(store, atom::write_v, late_batch()));
  CAF_CHECK_EQUAL(apply(firmware(1)), ack(1));
  check_applied_on_top_of_late_batch();
}

CAF_TEST(a commit from a stale view of the store writes nothing) {
  CAF_MESSAGE("the late batch lands after the step read the printer's state "
              "and before its own commit");
  auto fleet = actors::simulated_printer_factory(*cat, printer);
  auto late = std::make_shared<bool>(true);
  start_devices([this, fleet, late](const device_id& id) {
    return std::make_unique<racing_driver>(fleet(id), *env, late_batch(), late);
  });
  auto failed = apply(firmware(1));
  CAF_REQUIRE(!failed);
  CAF_CHECK(is(failed.error(), error_code::transient));
  CAF_CHECK_EQUAL(watermark(s1), 0u);
  CAF_CHECK_EQUAL(effects(s1, 1), 0u);
  CAF_MESSAGE("the resend reads the store again and applies on top");
  CAF_CHECK_EQUAL(apply(firmware(1)), ack(1));
  check_applied_on_top_of_late_batch();
}

CAF_TEST(a DEVICE actor that keeps crashing is left down until needed) {
  view();
  for (size_t i = 0; i <= options.restart_limit; ++i) {
    auto running = worker("MFP-1");
    CAF_REQUIRE(running != nullptr);
    caf::anon_send_exit(*running, caf::exit_reason::kill);
    run();
  }
  CAF_CHECK(worker("MFP-1") == nullptr);
  CAF_MESSAGE("the next message spawns it again");
  CAF_CHECK_EQUAL(apply(firmware(1)), ack(1));
  CAF_CHECK(worker("MFP-1") != nullptr);
}

CAF_TEST(streams of two contracts keep their own watermarks) {
  auto s2 = device_stream("C-2", "MFP-1");
  CAF_CHECK_EQUAL(apply(firmware(1)), ack(1));
  auto other = step(s2, 1, step_kind::settings_apply, "MFP-1");
  other.values = {{"telemetry.toner_level", on}};
  CAF_CHECK_EQUAL(apply(other), (instruction_ack{s2, 1}));
  CAF_CHECK(view().applied
            == std::vector<stream_watermark>({{s1, 1}, {s2, 1}}));
}

CAF_TEST(an unknown printer is refused) {
  auto x = step(device_stream("C-1", "MFP-9"), 1, step_kind::firmware, "MFP-9");
  auto failed = apply(x);
  CAF_REQUIRE(!failed);
  CAF_CHECK(is(failed.error(), error_code::unknown_device));
  auto no_view = ask<device_view>(devices, atom::get_v, device_id{"MFP-9"});
  CAF_REQUIRE(!no_view);
  CAF_CHECK(is(no_view.error(), error_code::unknown_device));
}

CAF_TEST(enroll is all or nothing and identical re - enrollment is a no - op) {
  device_record a{
    device_id{"MFP-1"}, customer_id{"acme"}, "MFP-C3000", fw("2.4.0"), {}};
  device_record b{device_id{"MFP-2"},
                  customer_id{"acme"},
                  "MFP-C3000",
                  fw("3.2.1"),
                  {"backup-agent"}};
  using records_t = std::vector<device_record>;
  CAF_CHECK(ask<atom::ok>(devices, atom::enroll_v, records_t{a, b}));
  CAF_CHECK(ask<atom::ok>(devices, atom::enroll_v, records_t{b, a}));
  CAF_MESSAGE("a changed record refuses the whole batch, naming the device");
  auto c = b;
  c.id = device_id{"MFP-3"};
  auto changed = a;
  changed.customer = customer_id{"globex"};
  auto refused = ask<atom::ok>(devices, atom::enroll_v, records_t{c, changed});
  CAF_REQUIRE(!refused);
  CAF_CHECK(is(refused.error(), error_code::invalid_input));
  CAF_CHECK_EQUAL(error_reason(refused.error()),
                  "device MFP-1 is registered with a different record");
  auto known = ask<records_t>(devices, atom::records_v,
                              std::vector<device_id>{c.id, a.id});
  CAF_REQUIRE(known);
  CAF_CHECK(*known == records_t{a});
  auto all = ask<records_t>(devices, atom::list_v);
  CAF_REQUIRE(all);
  CAF_CHECK(*all == (records_t{a, b}));
  CAF_MESSAGE("the registered printer's applied state is left alone");
  CAF_CHECK_EQUAL(apply(firmware(1)), ack(1));
  CAF_CHECK(ask<atom::ok>(devices, atom::enroll_v, records_t{a}));
  CAF_CHECK_EQUAL(view().state.firmware, fw("3.2.1"));
}

CAF_TEST_FIXTURE_SCOPE_END()

// -- delivering to an endpoint over HTTP (actors/endpoint_link.hpp) ----------

namespace {

struct http_fixture : endpoint_fixture {
  fake_endpoint server;
  fake_endpoint state_only{true};
  stream_id s1 = device_stream("C-1", "MFP-1");
  actors::device_supervisor_actor devices;

  ~http_fixture() {
    devices = nullptr;
    stop_actors();
  }

  http_fixture() {
    server.add_printer("MFP-1", "2.4.0");
    state_only.add_printer("MFP-1", "2.4.0");
  }

  void start(const fake_endpoint& x, bool idempotent = true) {
    devices = spawn_devices(options_for(spec_of(x, idempotent),
                                        spec_of(x, idempotent, "services.*")));
    enroll(devices, "MFP-1");
  }

  instruction firmware(uint64_t seq, const char* version = "3.2.1") {
    auto x = step(s1, seq, step_kind::firmware, "MFP-1");
    x.firmware = *firmware_version::parse(version);
    return x;
  }

  caf::expected<instruction_ack> apply(instruction x) {
    return ask<instruction_ack>(devices, atom::apply_v, std::move(x));
  }

  /// Onset's mirror of the printer.
  device_state mirror() {
    auto v = ask<device_view>(devices, atom::get_v, device_id{"MFP-1"});
    CAF_REQUIRE(v);
    return v->state;
  }

  static endpoint::target_ref printer() {
    return {target::device(device_id{"MFP-1"}), device_id{"MFP-1"}};
  }
};

void check_transient(const caf::expected<instruction_ack>& x,
                     const std::string& fragment) {
  CAF_REQUIRE(!x);
  CAF_CHECK(is(x.error(), error_code::transient));
  check_contains(error_reason(x.error()), fragment);
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(device_endpoint_tests, http_fixture)

CAF_TEST(an applied step commits the endpoint state and is acked) {
  start(server);
  CAF_CHECK_EQUAL(apply(firmware(1)), (instruction_ack{s1, 1}));
  CAF_CHECK_EQUAL(server.performed(s1, 1), 1);
  CAF_CHECK_EQUAL(mirror().firmware, fw("3.2.1"));
  CAF_CHECK_EQUAL(watermark(s1), 1u);
}

CAF_TEST(an endpoint answer is acked only once its watermark is committed) {
  start(server);
  fake_endpoint::script slow;
  slow.delay = std::chrono::milliseconds{300};
  server.set_script(slow);
  caf::scoped_actor requester{*sys};
  auto pending = requester->request(devices, std::chrono::seconds{10},
                                    atom::apply_v, firmware(1));
  // The apply is at the endpoint (which holds it 300 ms) before the late
  // batch goes in.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{5};
  while (server.apply_requests() == 0
         && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  CAF_REQUIRE_EQUAL(server.apply_requests(), 1);
  CAF_MESSAGE("meanwhile a late batch moves the stream: the commit fails");
  persistence::write_batch late = [s = s1](persistence::write_txn& txn) {
    return persistence::to_error(
      persistence::receiver_ledger::set_applied(txn, s, 1));
  };
  CAF_REQUIRE(ask<atom::ok>(store, atom::write_v, late));
  caf::expected<instruction_ack> answer{caf::sec::request_timeout};
  pending.receive([&](instruction_ack& x) { answer = x; },
                  [&](caf::error& err) { answer = std::move(err); });
  check_transient(answer, "commit failed");
  CAF_CHECK_EQUAL(server.performed(s1, 1), 1);
}

CAF_TEST(a lost reply is read for and resent as already applied) {
  start(server);
  fake_endpoint::script lose;
  lose.lose = 1;
  server.set_script(lose);
  check_transient(apply(firmware(1)), "answer lost");
  CAF_CHECK_EQUAL(watermark(s1), 0u);
  auto reads = server.read_requests();
  CAF_CHECK_EQUAL(apply(firmware(1)), (instruction_ack{s1, 1}));
  CAF_CHECK_EQUAL(server.read_requests(), reads + 1);
  CAF_CHECK_EQUAL(server.performed(s1, 1), 1);
  CAF_CHECK_EQUAL(watermark(s1), 1u);
  CAF_CHECK_EQUAL(mirror().firmware, fw("3.2.1"));
}

CAF_TEST(a refusal is refused with the endpoint reason) {
  start(server);
  fake_endpoint::script refuse;
  refuse.refuse = "firmware 3.2.1 not installable on MFP-C3000";
  server.set_script(refuse);
  auto x = apply(firmware(1));
  CAF_REQUIRE(!x);
  CAF_CHECK(is(x.error(), error_code::refused));
  CAF_CHECK_EQUAL(error_reason(x.error()),
                  "firmware 3.2.1 not installable on MFP-C3000");
  CAF_CHECK_EQUAL(watermark(s1), 0u);
}

CAF_TEST(retry_later is transient and the resend applies) {
  start(server);
  fake_endpoint::script later;
  later.retry_later = 1;
  server.set_script(later);
  check_transient(apply(firmware(1)), "retry_later");
  CAF_CHECK_EQUAL(watermark(s1), 0u);
  CAF_CHECK_EQUAL(apply(firmware(1)), (instruction_ack{s1, 1}));
  CAF_CHECK_EQUAL(server.performed(s1, 1), 1);
}

CAF_TEST(an endpoint behind the watermark is answered as a gap) {
  start(server);
  CAF_CHECK_EQUAL(apply(firmware(1, "2.5.0")), (instruction_ack{s1, 1}));
  CAF_CHECK_EQUAL(apply(firmware(2, "3.0.0")), (instruction_ack{s1, 2}));
  server.restore_to(s1, 0);
  CAF_MESSAGE("the endpoint expects seq 1: Onset's watermark goes back to 0");
  CAF_CHECK_EQUAL(apply(firmware(3)), (instruction_ack{s1, 0}));
  CAF_CHECK_EQUAL(watermark(s1), 0u);
  CAF_CHECK_EQUAL(apply(firmware(1, "2.5.0")), (instruction_ack{s1, 1}));
  CAF_CHECK_EQUAL(watermark(s1), 1u);
}

CAF_TEST(a malformed answer is a logged protocol violation and transient) {
  start(server);
  captured_log log;
  fake_endpoint::script bad;
  bad.malformed = 1;
  server.set_script(bad);
  check_transient(apply(firmware(1)), "protocol violation");
  CAF_CHECK_EQUAL(watermark(s1), 0u);
  CAF_CHECK(log.contains("endpoint.protocol_violation"));
  CAF_CHECK(log.contains("endpoint=printers"));
  CAF_MESSAGE("the resend reads first, finds it applied, and is acked once");
  CAF_CHECK_EQUAL(apply(firmware(1)), (instruction_ack{s1, 1}));
  CAF_CHECK_EQUAL(server.performed(s1, 1), 1);
}

CAF_TEST(applied for a seq never sent is a protocol violation not acked) {
  start(server);
  captured_log log;
  fake_endpoint::script foreign;
  foreign.foreign_seq = 1;
  server.set_script(foreign);
  check_transient(apply(firmware(1)), "protocol violation");
  CAF_CHECK_EQUAL(watermark(s1), 0u);
  CAF_CHECK(log.contains("endpoint.protocol_violation"));
}

CAF_TEST(a slow endpoint does not delay a DEVICE on the simulator) {
  start(server);
  actors::receiver_options simulated;
  auto local = spawn_devices(simulated);
  enroll(local, "MFP-2");
  fake_endpoint::script slow;
  slow.delay = std::chrono::milliseconds{300};
  server.set_script(slow);
  caf::scoped_actor waiting{*sys};
  using handle = decltype(waiting->request(devices, std::chrono::seconds{10},
                                           atom::apply_v, instruction{}));
  std::vector<handle> pending;
  // Many steps queued at the slow endpoint, on many printers.
  for (int i = 3; i < 40; ++i) {
    auto id = "MFP-" + std::to_string(i);
    enroll(devices, id);
    auto x = step(device_stream("C-1", id), 1, step_kind::firmware, id);
    x.firmware = *firmware_version::parse("3.2.1");
    pending.push_back(
      waiting->request(devices, std::chrono::seconds{10}, atom::apply_v, x));
  }
  auto x = step(device_stream("C-1", "MFP-2"), 1, step_kind::firmware, "MFP-2");
  x.firmware = *firmware_version::parse("3.2.1");
  auto started = std::chrono::steady_clock::now();
  auto quick = ask_within<instruction_ack>(std::chrono::milliseconds{200},
                                           local, atom::apply_v, x);
  auto took = std::chrono::steady_clock::now() - started;
  CAF_CHECK(quick);
  CAF_MESSAGE(
    "the simulated printer answered in "
    << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
    << " ms");
  CAF_CHECK(took < std::chrono::milliseconds{200});
  CAF_MESSAGE("the slow endpoint's steps all arrive, several per request");
  size_t acked = 0;
  for (auto& h : pending)
    h.receive([&](instruction_ack&) { ++acked; }, [](caf::error&) {});
  CAF_CHECK_EQUAL(acked, pending.size());
  CAF_CHECK_GREATER(server.largest_batch(), 1u);
  CAF_CHECK_LESS(server.apply_requests(), static_cast<int>(pending.size()));
}

CAF_TEST(a state only endpoint is read and an effect present is not resent) {
  start(state_only, false);
  fake_endpoint::script lose;
  lose.lose = 1;
  state_only.set_script(lose);
  check_transient(apply(firmware(1)), "answer lost");
  CAF_CHECK_EQUAL(state_only.performed(s1, 1), 1);
  CAF_CHECK_EQUAL(apply(firmware(1)), (instruction_ack{s1, 1}));
  CAF_CHECK_EQUAL(state_only.performed(s1, 1), 1);
  CAF_CHECK_EQUAL(mirror().firmware, fw("3.2.1"));
}

CAF_TEST(a stale apply landing after the client gave up is not performed) {
  start(state_only, false);
  fake_endpoint::script stale;
  stale.hold = 1;
  stale.hold_for = std::chrono::milliseconds{700};
  state_only.set_script(stale);
  check_transient(apply(firmware(1)), "answer lost");
  CAF_MESSAGE("the first apply lands past its deadline: not performed");
  CAF_CHECK_EQUAL(apply(firmware(1)), (instruction_ack{s1, 1}));
  CAF_REQUIRE(state_only.await_held(1));
  CAF_CHECK_EQUAL(state_only.performed(s1, 1), 1);
  CAF_CHECK_EQUAL(mirror().firmware, fw("3.2.1"));
}

CAF_TEST(the read before a resend waits until the deadline of the lost apply) {
  start(state_only, false);
  fake_endpoint::script stale;
  stale.hold = 1;
  stale.hold_for = std::chrono::milliseconds{600};
  // An endpoint that performs late applies: only the wait protects it.
  stale.ignore_deadline = true;
  state_only.set_script(stale);
  check_transient(apply(firmware(1)), "answer lost");
  auto not_after = state_only.last_not_after();
  CAF_MESSAGE("the stale apply lands before the read: the effect is found");
  CAF_CHECK_EQUAL(apply(firmware(1)), (instruction_ack{s1, 1}));
  CAF_REQUIRE(state_only.await_held(1));
  CAF_CHECK_EQUAL(state_only.performed(s1, 1), 1);
  CAF_REQUIRE(not_after);
  CAF_CHECK_GREATER_OR_EQUAL(state_only.last_read_at(), *not_after + 500);
}

CAF_TEST(a state only endpoint whose read back differs refuses the step) {
  start(state_only, false);
  fake_endpoint::script nothing;
  nothing.no_effect = true;
  state_only.set_script(nothing);
  auto x = apply(firmware(1));
  CAF_REQUIRE(!x);
  CAF_CHECK(is(x.error(), error_code::refused));
  check_contains(error_reason(x.error()), "read-back");
  CAF_CHECK_EQUAL(watermark(s1), 0u);
}

CAF_TEST(a state only endpoint is read and not applied what was acked before) {
  start(state_only, false);
  captured_log log;
  auto toner = step(s1, 1, step_kind::settings_apply, "MFP-1");
  toner.values = {{"telemetry.toner_level", on}};
  auto off = step(s1, 2, step_kind::settings_revert, "MFP-1");
  off.values = toner.values;
  CAF_CHECK_EQUAL(apply(toner), (instruction_ack{s1, 1}));
  CAF_CHECK_EQUAL(apply(off), (instruction_ack{s1, 2}));
  CAF_MESSAGE("the store goes back to seq 0; the endpoint keeps seq 2's "
              "effect, so seq 1's is not there any more");
  CAF_REQUIRE(ask<atom::ok>(store, atom::write_v, watermark_back(s1, 0)));
  auto applies = state_only.apply_requests();
  CAF_CHECK_EQUAL(apply(acked_before(toner)), (instruction_ack{s1, 1}));
  CAF_CHECK_EQUAL(apply(acked_before(off)), (instruction_ack{s1, 2}));
  CAF_CHECK_EQUAL(state_only.apply_requests(), applies);
  CAF_CHECK_EQUAL(state_only.performed(s1, 1), 1);
  CAF_CHECK(log.contains("endpoint.performed_before"));
  CAF_MESSAGE("the mirror is what the endpoint holds");
  CAF_CHECK(mirror().values.empty());
  CAF_MESSAGE("a step not acked before is applied as ever");
  auto again = toner;
  again.seq = 3;
  CAF_CHECK_EQUAL(apply(again), (instruction_ack{s1, 3}));
  CAF_CHECK_EQUAL(state_only.performed(s1, 3), 1);
}

CAF_TEST(an idempotent endpoint is sent what was acked before) {
  start(server);
  CAF_CHECK_EQUAL(apply(firmware(1)), (instruction_ack{s1, 1}));
  CAF_REQUIRE(ask<atom::ok>(store, atom::write_v, watermark_back(s1, 0)));
  auto applies = server.apply_requests();
  CAF_MESSAGE("its records answer already_applied");
  CAF_CHECK_EQUAL(apply(acked_before(firmware(1))), (instruction_ack{s1, 1}));
  CAF_CHECK_EQUAL(server.apply_requests(), applies + 1);
  CAF_CHECK_EQUAL(server.performed(s1, 1), 1);
}

CAF_TEST_FIXTURE_SCOPE_END()

// -- a devices node restored from an older copy, at a state-only endpoint ----

namespace {

/// The CONTRACT SUPERVISOR delivering to DEVICE and SERVICE actors at a
/// state-only endpoint, which keeps no records: what a receiver acked
/// before its store went back must not be performed there again.
struct restored_fixture : http_fixture {
  actors::service_supervisor_actor services;
  actors::contract_supervisor_actor contracts;

  restored_fixture() {
    state_only.add_printer("MFP-2", "2.4.0");
    start(state_only, false);
    enroll(devices, "MFP-2");
    services = spawn_services(options_for(
      spec_of(state_only, false), spec_of(state_only, false, "services.*")));
    auto ctx = std::make_shared<actors::contract_context>();
    ctx->cat = cat;
    ctx->env = env.get();
    ctx->store = store;
    ctx->devices = caf::actor_cast<actors::device_actor>(devices);
    ctx->services = caf::actor_cast<actors::service_actor>(services);
    ctx->config.request_timeout = std::chrono::seconds{5};
    ctx->config.resend_base = std::chrono::milliseconds{100};
    ctx->config.resend_cap = std::chrono::seconds{1};
    ctx->config.step_deadline = std::chrono::seconds{60};
    ctx->config.timer_poll = std::chrono::seconds{1};
    ctx->now = [] { return *utc_time::parse_rfc3339("2026-11-30T00:00:00Z"); };
    contracts = sys->spawn(actors::contract_supervisor_behavior,
                           std::shared_ptr<const actors::contract_context>{ctx},
                           devices);
    spawned.push_back(caf::actor_cast<caf::actor>(contracts));
  }

  ~restored_fixture() {
    services = nullptr;
    contracts = nullptr;
  }

  void submit(const std::string& id, uint64_t version,
              const std::string& services_json, const std::string& dev) {
    auto doc = parse_contract(
      R"({"id":")" + id + R"(","version":)" + std::to_string(version)
        + R"(,"customer":"acme","start":"2026-11-01T00:00:00Z",)"
        + R"("end":"2027-12-01T00:00:00Z","devices":[")" + dev
        + R"("],"services":)" + services_json + "}",
      *cat);
    CAF_REQUIRE(doc);
    CAF_REQUIRE(
      ask<submit_result>(contracts, atom::submit_v, doc.value(), requester{}));
  }

  contract_view contract(const std::string& id) {
    auto v = ask<contract_view>(contracts, atom::get_v, contract_id{id});
    CAF_REQUIRE(v);
    return std::move(*v);
  }

  /// Waits up to 20 s for `done`.
  template <class F>
  bool eventually(F done) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline)
        return false;
      std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    return true;
  }

  /// Contract `id` on printer `dev` with nothing pending, in `state`.
  bool settled(const std::string& id, contract_state state) {
    auto v = contract(id);
    if (v.summary.state != state)
      return false;
    for (auto& s : v.steps)
      if (!s.acked)
        return false;
    return true;
  }

  void set_back(const stream_id& stream, uint64_t seq) {
    CAF_REQUIRE(
      ask<atom::ok>(store, atom::write_v, watermark_back(stream, seq)));
  }

  /// How often the endpoint performed each seq of `stream`, from 1 to `last`.
  std::vector<int> performed(const stream_id& stream, uint64_t last) {
    std::vector<int> result;
    for (uint64_t seq = 1; seq <= last; ++seq)
      result.push_back(state_only.performed(stream, seq));
    return result;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(restored_receiver_tests, restored_fixture)

CAF_TEST(a state only endpoint is not sent again what a restored receiver acked
           before) {
  CAF_MESSAGE("C-1 provisions MFP-1 and is cancelled: it ends");
  submit("C-1", 1, R"({"data_backup":{}})", "MFP-1");
  CAF_REQUIRE(
    eventually([&] { return settled("C-1", contract_state::active); }));
  CAF_REQUIRE(
    ask<atom::ok>(contracts, atom::cancel_v, contract_id{"C-1"}, requester{}));
  CAF_REQUIRE(
    eventually([&] { return settled("C-1", contract_state::ended); }));
  CAF_MESSAGE("C-2 provisions MFP-2, then a renewal changes its services");
  submit("C-2", 1, R"({"data_backup":{}})", "MFP-2");
  CAF_REQUIRE(
    eventually([&] { return settled("C-2", contract_state::active); }));
  submit("C-2", 2, R"({"failure_prediction":{}})", "MFP-2");
  CAF_REQUIRE(eventually([&] {
    return settled("C-2", contract_state::active)
           && contract("C-2").summary.version == 2;
  }));
  std::vector<stream_id> streams{device_stream("C-1", "MFP-1"),
                                 service_stream("C-1", "data_backup", "MFP-1"),
                                 device_stream("C-2", "MFP-2")};
  std::vector<uint64_t> acked;
  std::vector<std::vector<int>> before;
  for (auto& s : streams) {
    acked.push_back(watermark(s));
    CAF_REQUIRE_GREATER(acked.back(), 2u);
    before.push_back(performed(s, acked.back()));
  }
  auto printer1 = state_only.state(printer());
  CAF_MESSAGE("the devices node comes back on a copy from after seq 1");
  for (auto& s : streams)
    set_back(s, 1);
  caf::anon_send(contracts, atom::resend_v);
  CAF_REQUIRE(eventually([&] {
    for (size_t i = 0; i < streams.size(); ++i)
      if (watermark(streams[i]) != acked[i])
        return false;
    return true;
  }));
  CAF_MESSAGE("every receiver is back at its acks; nothing was performed "
              "twice at the endpoint");
  for (size_t i = 0; i < streams.size(); ++i) {
    CAF_MESSAGE(streams[i].to_string());
    CAF_CHECK_EQUAL(performed(streams[i], acked[i]), before[i]);
  }
  CAF_CHECK(state_only.state(printer()) == printer1);
  CAF_CHECK_EQUAL(mirror().firmware, printer1.firmware);
  CAF_CHECK(mirror().apps == printer1.apps);
  CAF_CHECK(mirror().values == printer1.values);
}

CAF_TEST_FIXTURE_SCOPE_END()
