// The actors of a node's roles, spawned the same way by the embedded node
// and by a cluster node, and the orderly stop of all of them.
#pragma once

#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/protocol.hpp"
#include "nodes/node_options.hpp"
#include "nodes/node_runtime.hpp"
#include "persistence/store_actor.hpp"

namespace onset {

/// The scheduler `options` ask for: threads and policy.
void configure_scheduler(caf::actor_system_config& cfg,
                         const node_options& options);

/// The STORE of `storage`'s environment, on its own thread.
persistence::store_actor spawn_node_store(caf::actor_system& sys,
                                          node_storage& storage);

/// The DEVICE SUPERVISOR with simulated printers as `options` say.
device_supervisor_actor
spawn_node_devices(caf::actor_system& sys, const node_options& options,
                   node_storage& storage, persistence::store_actor store);

service_supervisor_actor
spawn_node_services(caf::actor_system& sys, const node_options& options,
                    node_storage& storage, persistence::store_actor store);

/// The CONTRACT SUPERVISOR. Its CONTRACT actors send to `devices` and
/// `services`; `devices` also answers its registration queries. Both are
/// the node's own supervisors, or ROUTERs in a cluster. With
/// `options.test_faults`, the sends go through FAULT INJECTORs.
contract_supervisor_actor
spawn_node_contracts(caf::actor_system& sys, const node_options& options,
                     node_storage& storage, persistence::store_actor store,
                     device_supervisor_actor devices,
                     service_supervisor_actor services);

/// Stops `actors` (in order), then the STORE, which commits what is queued,
/// and waits until every actor is gone.
void stop_node_actors(caf::actor_system& sys,
                      const std::vector<caf::actor>& actors,
                      persistence::store_actor store);

} // namespace onset
