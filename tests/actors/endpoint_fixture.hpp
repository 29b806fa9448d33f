// The fixture of the HTTP adapter tests: DEVICE and SERVICE SUPERVISORs on
// a real (threaded) actor system, because the endpoint clients answer from
// threads of their own, delivering to fake endpoints (fake_endpoint.hpp)
// over loopback. Requests wait for their answer with a timeout.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/test/unit_test.hpp>

#include "actors/device_supervisor.hpp"
#include "actors/endpoint_client.hpp"
#include "actors/service_supervisor.hpp"
#include "actors/simulated_printer.hpp"
#include "messages/error_code.hpp"
#include "persistence/environment.hpp"
#include "persistence/receiver_ledger.hpp"
#include "persistence/store_actor.hpp"
#include "tests/actors/fake_endpoint.hpp"
#include "tests/support/shipped_catalog.hpp"
#include "tests/support/streams.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_config.hpp"

namespace onset::test {

struct endpoint_fixture {
  temp_dir dir;
  std::unique_ptr<persistence::environment> env;
  std::shared_ptr<const catalog> cat
    = std::make_shared<const catalog>(shipped_catalog());
  test_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  persistence::store_actor store;
  /// Every supervisor spawned, stopped at the end.
  std::vector<caf::actor> spawned;

  endpoint_fixture() {
    persistence::environment_options opts;
    opts.directory = dir.path();
    opts.sync = persistence::sync_mode::no_sync;
    auto opened = persistence::environment::open(opts);
    if (!opened)
      CAF_FAIL("cannot open environment: " << to_string(opened.error()));
    env = std::move(*opened);
    // Two threads: an actor blocked on I/O would show as a stall.
    cfg.set("scheduler.max-threads", 2);
    sys = std::make_unique<caf::actor_system>(cfg);
    store = sys->spawn<caf::detached>(persistence::store_behavior, env.get());
  }

  ~endpoint_fixture() {
    stop_actors();
    sys.reset();
    env.reset();
  }

  /// Stops every actor, and with them their endpoint clients. A test
  /// fixture with fake endpoints calls it before they go, so that no
  /// keep-alive connection makes a server wait for it.
  void stop_actors() {
    if (!store)
      return;
    for (auto& x : spawned)
      caf::anon_send_exit(x, caf::exit_reason::kill);
    caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
    sys->await_all_actors_done();
    // The detached STORE's thread ends with the last handle to it.
    spawned.clear();
    store = nullptr;
  }

  /// An endpoint of the fake server `x`, with a short timeout and margin.
  static config::endpoint_spec spec_of(const fake_endpoint& x,
                                       bool idempotent = true,
                                       std::string name = "printers") {
    config::endpoint_spec result;
    result.name = std::move(name);
    result.url = x.url();
    result.token = fake_endpoint::token;
    result.idempotent = idempotent;
    result.timeout = std::chrono::milliseconds{400};
    result.deadline_margin = std::chrono::milliseconds{500};
    result.max_batch = 16;
    result.connections = 2;
    return result;
  }

  /// Receiver options delivering printers to `printers` and every service
  /// to `services`.
  static actors::receiver_options
  options_for(const config::endpoint_spec& printers,
              const config::endpoint_spec& services) {
    config::endpoints_spec spec;
    spec.printers = printers;
    spec.services.emplace("*", services);
    actors::receiver_options result;
    result.endpoints = std::make_shared<actors::endpoint_set>(spec);
    return result;
  }

  actors::device_supervisor_actor
  spawn_devices(const actors::receiver_options& options) {
    auto result = actors::spawn_device_supervisor(
      *sys, store, *env,
      actors::simulated_printer_factory(*cat,
                                        actors::simulated_printer_options{}),
      options);
    spawned.push_back(caf::actor_cast<caf::actor>(result));
    return result;
  }

  actors::service_supervisor_actor
  spawn_services(const actors::receiver_options& options) {
    auto result = actors::spawn_service_supervisor(*sys, store, *env, cat,
                                                   options);
    spawned.push_back(caf::actor_cast<caf::actor>(result));
    return result;
  }

  /// Sends a request and waits up to `patience` for its answer.
  template <class T, class Handle, class... Ts>
  caf::expected<T> ask_within(std::chrono::milliseconds patience,
                              const Handle& dest, Ts&&... xs) {
    caf::scoped_actor self{*sys};
    caf::expected<T> result{caf::sec::request_timeout};
    self->request(dest, patience, std::forward<Ts>(xs)...)
      .receive([&](T& x) { result = std::move(x); },
               [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  template <class T, class Handle, class... Ts>
  caf::expected<T> ask(const Handle& dest, Ts&&... xs) {
    return ask_within<T>(std::chrono::seconds{10}, dest,
                         std::forward<Ts>(xs)...);
  }

  /// Registers `id` for customer acme at `devices`.
  void enroll(const actors::device_supervisor_actor& devices,
              const std::string& id) {
    device_record x{device_id{id},
                    customer_id{"acme"},
                    "MFP-C3000",
                    *firmware_version::parse("2.4.0"),
                    {}};
    CAF_REQUIRE(
      ask<atom::ok>(devices, atom::enroll_v, std::vector<device_record>{x}));
  }

  uint64_t watermark(const stream_id& stream) {
    auto txn = env->begin_read();
    CAF_REQUIRE(txn);
    auto n = persistence::receiver_ledger::applied(txn, stream);
    CAF_REQUIRE(n);
    return *n;
  }
};

} // namespace onset::test
