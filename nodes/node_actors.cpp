#include "nodes/node_actors.hpp"

#include <signal.h>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "actors/contract_supervisor.hpp"
#include "actors/device_supervisor.hpp"
#include "actors/fault_injector.hpp"
#include "actors/service_supervisor.hpp"
#include "nodes/node_runtime.hpp"

namespace onset::nodes {

void configure_scheduler(caf::actor_system_config& cfg,
                         const node_options& options) {
  cfg.set("scheduler.max-threads", scheduler_threads(options));
  cfg.set("scheduler.policy", caf::atom_from_string(options.scheduler));
}

namespace {

/// The node's receiver options; a batch's collector waits as long as the
/// senders' requests do (every node reads the same request timeout).
actors::receiver_options receiver_options_of(const node_options& options) {
  auto result = options.receivers;
  result.batch_patience = options.engine.request_timeout;
  return result;
}

} // namespace

persistence::store_actor
spawn_node_store(caf::actor_system& sys, persistence::environment& env,
                 std::shared_ptr<metrics::node_metrics> metrics) {
  return sys.spawn<caf::detached>(persistence::metered_store_behavior, &env,
                                  std::move(metrics));
}

actors::device_supervisor_actor spawn_node_devices(caf::actor_system& sys,
                                                   const node_options& options,
                                                   const node_resources& res) {
  return spawn_device_supervisor(sys, res.store, *res.env,
                                 simulated_printer_factory(*res.cat,
                                                           options.printer),
                                 receiver_options_of(options));
}

actors::service_supervisor_actor
spawn_node_services(caf::actor_system& sys, const node_options& options,
                    const node_resources& res) {
  return spawn_service_supervisor(sys, res.store, *res.env, res.cat,
                                  receiver_options_of(options));
}

contract_targets
contract_targets_of(caf::actor_system& sys, const node_options& options,
                    actors::device_supervisor_actor devices,
                    actors::service_supervisor_actor services) {
  contract_targets result{devices, services, {}};
  if (!options.test_faults.any())
    return result;
  auto timeout = options.engine.request_timeout;
  result.devices = actors::spawn_fault_injector(
    sys, result.devices, options.test_faults, "devices", timeout);
  auto faults = options.test_faults;
  ++faults.seed; // not the same choices as the devices' injector
  result.services = spawn_fault_injector(sys, result.services, faults,
                                         "services", timeout);
  result.injectors = {caf::actor_cast<caf::actor>(result.devices),
                      caf::actor_cast<caf::actor>(result.services)};
  return result;
}

actors::contract_supervisor_actor
spawn_node_contracts(caf::actor_system& sys, const node_options& options,
                     const node_resources& res, const contract_targets& targets,
                     actors::device_supervisor_actor devices) {
  auto ctx = std::make_shared<actors::contract_context>();
  ctx->cat = res.cat;
  ctx->env = res.env;
  ctx->store = res.store;
  ctx->devices = targets.devices;
  ctx->services = targets.services;
  ctx->config = options.engine;
  ctx->now = res.now;
  ctx->into_second = res.into_second;
  ctx->latency = std::make_shared<actors::step_latency>();
  if (options.engine.max_steps_in_flight > 0)
    ctx->budget = std::make_shared<actors::step_budget>(
      options.engine.max_steps_in_flight);
  ctx->metrics = res.metrics;
  if (ctx->metrics && ctx->budget)
    ctx->metrics->add_source([budget = ctx->budget](metrics::node_metrics& m) {
      auto x = budget->snapshot();
      m.set_steps_in_flight(x.in_use, x.waiting);
    });
  return sys.spawn(actors::contract_supervisor_behavior,
                   std::shared_ptr<const actors::contract_context>{ctx},
                   std::move(devices));
}

void watch_node_store(const persistence::store_actor& store,
                      std::shared_ptr<std::atomic<bool>> failed) {
  store->attach_functor([failed](const caf::error& reason) {
    if (reason == caf::exit_reason::user_shutdown)
      return;
    *failed = true;
    kill(getpid(), store_failed_signal);
  });
}

void stop_node_actors(caf::actor_system& sys,
                      const std::vector<caf::actor>& actors,
                      persistence::store_actor store) {
  for (auto& x : actors)
    if (x)
      caf::anon_send_exit(x, caf::exit_reason::user_shutdown);
  // The STORE last: it commits what is queued, then quits.
  caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
  sys.await_all_actors_done();
}

} // namespace onset::nodes
