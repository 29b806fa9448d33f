// The fixture of the engine scenarios: the receiving side of
// receiver_fixture plus the CONTRACT SUPERVISOR, a wall clock the test
// sets, and helpers that read back contracts, printers and services.
//
// Time passes only when a test says so (`pass`): `run()` here runs the
// waiting messages and never fires a timeout. (The DSL's own run() fires
// timeouts too, so the supervisor's date timer would keep it busy forever
// and every request to an offline printer would time out at once.)
#pragma once

#include <algorithm>

#include "actors/contract_actor.hpp"
#include "actors/contract_supervisor.hpp"
#include "messages/contract_json.hpp"
#include "persistence/receiver_ledger.hpp"
#include "tests/actors/receiver_fixture.hpp"

namespace onset::test {

// The tests speak the actors' vocabulary unqualified.
using namespace onset::actors;

struct engine_fixture : receiver_fixture {
  utc_time now = *utc_time::parse_rfc3339("2026-11-30T00:00:00Z");
  actors::engine_config config;
  std::shared_ptr<actors::contract_context> ctx;
  actors::contract_supervisor_actor contracts;
  /// Where the CONTRACT actors send their steps: the receivers themselves
  /// unless a test puts something in between.
  actors::device_actor contract_devices;
  actors::service_actor contract_services;
  /// The STORE the contract side writes through, if not `store` (a test's
  /// stand-in that holds commits back).
  persistence::store_actor contract_store;
  /// The catalog the contract side runs with, if not `cat` (a test's
  /// catalog change across a restart).
  std::shared_ptr<const catalog> contract_cat;

  engine_fixture() {
    config.request_timeout = std::chrono::seconds{5};
    config.resend_base = std::chrono::milliseconds{100};
    config.resend_cap = std::chrono::seconds{1};
    config.step_deadline = std::chrono::seconds{60};
    config.timer_poll = std::chrono::seconds{1};
    start_contracts();
  }

  ~engine_fixture() override {
    stop(contracts);
    run();
  }

  /// Runs every waiting message; fires no timeout.
  size_t settle() override {
    return sched.run();
  }

  /// Hides the DSL's run(), which fires timeouts too.
  size_t run() {
    return settle();
  }

  /// (Re)spawns the CONTRACT SUPERVISOR, as a node restart would.
  void start_contracts() {
    stop(contracts);
    run();
    ctx = std::make_shared<actors::contract_context>();
    ctx->cat = contract_cat ? contract_cat : cat;
    ctx->env = env.get();
    ctx->store = contract_store ? contract_store : store;
    ctx->devices = devices;
    if (contract_devices)
      ctx->devices = contract_devices;
    ctx->services = services;
    if (contract_services)
      ctx->services = contract_services;
    ctx->config = config;
    if (config.max_steps_in_flight > 0)
      ctx->budget
        = std::make_shared<actors::step_budget>(config.max_steps_in_flight);
    ctx->now = [this] { return now; };
    contracts = sys.spawn(actors::contract_supervisor_behavior,
                          std::shared_ptr<const contract_context>{ctx},
                          devices);
    run();
  }

  /// A contract document for customer acme, valid from `start` for a year.
  contract make(const std::string& id, uint64_t version,
                const std::string& services,
                const std::string& device_list = R"(["MFP-1"])",
                const std::string& start = "2026-12-01T00:00:00Z",
                const std::string& end = "2027-12-01T00:00:00Z",
                const std::string& customer = "acme") {
    auto text = R"({"id":")" + id + R"(","version":)" + std::to_string(version)
                + R"(,"customer":")" + customer + R"(","start":")" + start
                + R"(","end":")" + end + R"(","devices":)" + device_list
                + R"(,"services":)" + services + "}";
    auto doc = parse_contract(text, *cat);
    if (!doc)
      CAF_FAIL("bad test contract: " << doc.error().to_string());
    return std::move(doc).value();
  }

  caf::expected<submit_result> submit(contract doc) {
    return ask<submit_result>(contracts, atom::submit_v, std::move(doc),
                              requester{});
  }

  contract_view view(const std::string& id) {
    auto result = ask<contract_view>(contracts, atom::get_v, contract_id{id});
    if (!result)
      CAF_FAIL("no view of " << id << ": " << sys.render(result.error()));
    return std::move(*result);
  }

  contract_state state_of(const std::string& id) {
    return view(id).summary.state;
  }

  std::vector<history_entry> history(const std::string& id) {
    auto result = ask<std::vector<history_entry>>(contracts, atom::history_v,
                                                  contract_id{id});
    CAF_REQUIRE(result);
    return std::move(*result);
  }

  /// Runs one message at a time until the receiver of `stream` has
  /// committed `seq`; returns the last CONTRACT actor seen with a message
  /// waiting: killing it leaves that commit's ack in flight.
  caf::actor step_until_committed(const stream_id& stream, uint64_t seq) {
    caf::actor result;
    while (effects(stream, seq) == 0) {
      CAF_REQUIRE(sched.has_job());
      for (auto* job : sched.jobs)
        if (auto* a = dynamic_cast<caf::local_actor*>(job);
            a != nullptr
            && std::string{a->name()} == actors::contract_actor_state::name)
          result = caf::actor_cast<caf::actor>(a->ctrl());
      sched.run_once();
    }
    return result;
  }

  /// The `sent` lines of a contract's history, as `kind@target` words.
  std::vector<std::string> sent(const std::string& id) {
    std::vector<std::string> result;
    for (auto& h : history(id))
      if (h.kind == history_kind::sent)
        result.push_back(word_of(h.detail));
    return result;
  }

  /// `target=device/MFP-1 kind=firmware seq=2 ...` -> `firmware@device/MFP-1`.
  static std::string word_of(const std::string& detail) {
    auto field = [&](const std::string& key) {
      auto at = detail.find(key + "=");
      if (at == std::string::npos)
        return std::string{};
      at += key.size() + 1;
      return detail.substr(at, detail.find(' ', at) - at);
    };
    return field("kind") + "@" + field("target");
  }

  device_view device(const std::string& id) {
    auto result = ask<device_view>(devices, atom::get_v, device_id{id});
    CAF_REQUIRE(result);
    return std::move(*result);
  }

  caf::expected<service_view> service(const std::string& svc,
                                      const std::string& dev) {
    return ask<service_view>(services, atom::get_v, service_id{svc},
                             device_id{dev});
  }

  void set_online(const std::string& id, bool online) {
    CAF_REQUIRE(ask<atom::ok>(devices, atom::online_v, device_id{id}, online));
  }

  /// Lets time pass in steps of one second: fires due timers, request
  /// timeouts and resends, and runs everything they cause.
  void pass(std::chrono::seconds total) {
    for (auto t = std::chrono::seconds{0}; t < total;
         t += std::chrono::seconds{1}) {
      now.seconds += 1;
      advance_time(std::chrono::seconds{1});
      run();
    }
  }

  /// Every instruction was executed by its printer or service exactly once
  /// (counted before the commit, so a second execution shows even if its
  /// commit failed), every executed one has an effect counted once in the
  /// store, and at least one was.
  void check_effects_once() {
    size_t executed = 0;
    size_t twice = 0;
    executions->for_each([&](const stream_id& s, uint64_t seq, size_t n) {
      ++executed;
      if (n != 1) {
        ++twice;
        CAF_MESSAGE(s.to_string()
                    << " seq=" << seq << " executed " << n << " times");
      }
    });
    CAF_CHECK_GREATER(executed, 0u);
    CAF_CHECK_EQUAL(twice, 0u);
    auto txn = env->begin_read();
    CAF_REQUIRE(txn);
    size_t above_one = 0;
    auto ok = persistence::receiver_ledger::for_each_effect(
      txn, [&](const stream_id&, uint64_t, uint64_t count) {
        if (count != 1)
          ++above_one;
      });
    CAF_REQUIRE(ok);
    CAF_CHECK_EQUAL(above_one, 0u);
  }
};

} // namespace onset::test
