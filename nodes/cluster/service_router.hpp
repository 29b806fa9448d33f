// SERVICE ROUTER (actors/protocol.hpp, service_router_actor): the SERVICE
// SUPERVISOR's interface over every `services` node of a cluster. Each
// catalog service lives on the node its id hashes to
// (config/placement.hpp); with one `services` node, that node holds all.
#pragma once

#include <string>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/engine_config.hpp"
#include "actors/protocol.hpp"
#include "messages/log.hpp"
#include "nodes/cluster/owner_table.hpp"
#include "nodes/cluster/step_batcher.hpp"

namespace onset::cluster {

struct service_router_state {
  static inline const char* name = "service-router";

  owner_table<actors::service_supervisor_actor> owners;
  /// Steps for remote nodes, batched per node (step_batcher.hpp).
  step_batcher batcher;
  /// How long a request to a remote node may take.
  actors::engine_config::duration timeout;
  /// Every event carries `router=ROLE`.
  log::context log;
};

/// `owners` are the `services` nodes in cluster-file order; `local` is this
/// node's SERVICE SUPERVISOR if `local_name` is one of them.
actors::service_router_actor::behavior_type service_router(
  actors::service_router_actor::stateful_pointer<service_router_state> self,
  std::vector<std::string> owners, std::string local_name,
  actors::service_supervisor_actor local,
  actors::engine_config::duration timeout);

} // namespace onset::cluster
