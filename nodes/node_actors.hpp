// The actors of a node's roles, each spawned one way whatever the node
// (nodes/node_wiring.hpp composes them), and the orderly stop of all of
// them.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/protocol.hpp"
#include "nodes/node_options.hpp"
#include "nodes/node_wiring.hpp"
#include "persistence/store_actor.hpp"

namespace onset::nodes {

/// The scheduler `options` ask for: threads and policy.
void configure_scheduler(caf::actor_system_config& cfg,
                         const node_options& options);

/// The STORE of `env`, on its own thread, counting its rounds in
/// `metrics` (if any).
persistence::store_actor
spawn_node_store(caf::actor_system& sys, persistence::environment& env,
                 std::shared_ptr<metrics::node_metrics> metrics);

/// The DEVICE SUPERVISOR with simulated printers as `options` say.
actors::device_supervisor_actor spawn_node_devices(caf::actor_system& sys,
                                                   const node_options& options,
                                                   const node_resources& res);

actors::service_supervisor_actor
spawn_node_services(caf::actor_system& sys, const node_options& options,
                    const node_resources& res);

/// Where CONTRACT actors send: the node's routes, or FAULT INJECTORs in
/// front of them with `options.test_faults`.
struct contract_targets {
  actors::device_actor devices;
  actors::service_actor services;
  /// The FAULT INJECTORs, if any (to stop them).
  std::vector<caf::actor> injectors;
};

contract_targets contract_targets_of(caf::actor_system& sys,
                                     const node_options& options,
                                     actors::device_supervisor_actor devices,
                                     actors::service_supervisor_actor services);

/// The CONTRACT SUPERVISOR. Its CONTRACT actors send to `targets`;
/// `devices` (the node's DEVICE SUPERVISOR or its ROUTER) answers its
/// registration queries. With `res.metrics`, they count their steps there,
/// and the step budget's permits in use and waiters are read at scrape.
actors::contract_supervisor_actor
spawn_node_contracts(caf::actor_system& sys, const node_options& options,
                     const node_resources& res, const contract_targets& targets,
                     actors::device_supervisor_actor devices);

/// Watches `store`: once it stops for any reason but the node's own
/// `user_shutdown` (a fatal storage error, see persistence/store_actor.hpp),
/// sets `failed` and sends the process `store_failed_signal`, which wakes
/// `wait_for_stop`. Runs on the STORE's thread as it goes; blocks nothing.
void watch_node_store(const persistence::store_actor& store,
                      std::shared_ptr<std::atomic<bool>> failed);

/// Stops `actors` (in order), then the STORE, which commits what is queued,
/// and waits until every actor is gone.
void stop_node_actors(caf::actor_system& sys,
                      const std::vector<caf::actor>& actors,
                      persistence::store_actor store);

} // namespace onset::nodes
