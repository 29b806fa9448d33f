// The fixture of the receiving-side actor tests: a real LMDB environment in
// a temp dir, the STORE, the DEVICE and SERVICE SUPERVISORs, all on the
// deterministic test scheduler, and helpers that send one request and
// fetch its answer. Every actor it spawns is stopped in its destructor.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "actors/device_supervisor.hpp"
#include "actors/service_supervisor.hpp"
#include "actors/simulated_printer.hpp"
#include "messages/error_code.hpp"
#include "persistence/device_store.hpp"
#include "persistence/environment.hpp"
#include "persistence/receiver_ledger.hpp"
#include "persistence/store_actor.hpp"
#include "tests/support/dsl.hpp"
#include "tests/support/shipped_catalog.hpp"
#include "tests/support/streams.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_config.hpp"

namespace onset::test {

// The tests speak the actors' vocabulary unqualified.
using namespace onset::actors;

inline firmware_version fw(const char* text) {
  auto result = firmware_version::parse(text);
  CAF_REQUIRE(result.has_value());
  return *result;
}

struct receiver_fixture : test_coordinator_fixture<test_config> {
  temp_dir dir;
  std::unique_ptr<persistence::environment> env;
  persistence::store_actor store;
  std::shared_ptr<const catalog> cat
    = std::make_shared<const catalog>(shipped_catalog());
  actors::simulated_printer_options printer;
  actors::receiver_options options;
  /// Every execution of an instruction by a printer or service.
  std::shared_ptr<actors::execution_log> executions
    = std::make_shared<actors::execution_log>();
  actors::device_supervisor_actor devices;
  actors::service_supervisor_actor services;

  receiver_fixture() {
    persistence::environment_options opts;
    opts.directory = dir.path();
    opts.sync = persistence::sync_mode::no_sync;
    // No self-re-arming timer: run() would never find the system idle.
    opts.reader_check_interval = std::chrono::seconds{0};
    auto opened = persistence::environment::open(opts);
    if (!opened)
      CAF_FAIL("cannot open environment: " << to_string(opened.error()));
    env = std::move(*opened);
    options.executions = executions;
    store = sys.spawn(persistence::store_behavior, env.get());
    services = actors::spawn_service_supervisor(sys, store, *env, cat, options);
    start_devices();
  }

  ~receiver_fixture() override {
    stop(devices);
    stop(services);
    caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
    run();
    env.reset();
  }

  template <class Handle>
  void stop(Handle& x) {
    if (x)
      caf::anon_send_exit(x, caf::exit_reason::kill);
    x = nullptr;
  }

  /// (Re)spawns the DEVICE SUPERVISOR with the current `printer` options.
  void start_devices() {
    start_devices(actors::simulated_printer_factory(*cat, printer));
  }

  /// (Re)spawns the DEVICE SUPERVISOR with printers made by `make_driver`.
  void start_devices(actors::driver_factory make_driver) {
    stop(devices);
    run();
    devices = actors::spawn_device_supervisor(sys, store, *env,
                                              std::move(make_driver), options);
    run();
  }

  /// Runs the system until idle. The engine fixture runs messages only, so
  /// that time passes only when its tests say so.
  virtual size_t settle() {
    return run();
  }

  /// Sends a request, settles the system, returns the answer (a request
  /// still unanswered then is a `request_timeout`, e.g. one held by an
  /// offline printer).
  template <class T, class Handle, class... Ts>
  caf::expected<T> ask(const Handle& dest, Ts&&... xs) {
    auto handle = self->request(dest, caf::infinite, std::forward<Ts>(xs)...);
    settle();
    caf::expected<T> result{caf::sec::request_timeout};
    if (self->mailbox().empty())
      return result;
    handle.receive([&](T& x) { result = std::move(x); },
                   [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  /// Registers `id` for customer acme.
  void enroll(const std::string& id, const char* firmware = "2.4.0",
              std::vector<std::string> apps = {}) {
    device_record x{device_id{id}, customer_id{"acme"}, "MFP-C3000",
                    fw(firmware), std::move(apps)};
    auto ok = ask<atom::ok>(devices, atom::enroll_v,
                            std::vector<device_record>{x});
    CAF_REQUIRE(ok);
  }

  /// The effect count of instruction `seq` of `stream`, from the store.
  uint64_t effects(const stream_id& stream, uint64_t seq) {
    auto txn = env->begin_read();
    CAF_REQUIRE(txn);
    auto n = persistence::receiver_ledger::effect_count(txn, stream, seq);
    CAF_REQUIRE(n);
    return *n;
  }

  /// How often a printer or service executed instruction `seq` of `stream`.
  size_t executed(const stream_id& stream, uint64_t seq) {
    size_t result = 0;
    executions->for_each([&](const stream_id& s, uint64_t at, size_t n) {
      if (s == stream && at == seq)
        result = n;
    });
    return result;
  }

  /// The applied watermark of `stream`, from the store.
  uint64_t watermark(const stream_id& stream) {
    auto txn = env->begin_read();
    CAF_REQUIRE(txn);
    auto n = persistence::receiver_ledger::applied(txn, stream);
    CAF_REQUIRE(n);
    return *n;
  }
};

} // namespace onset::test
