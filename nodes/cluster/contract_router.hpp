// CONTRACT ROUTER (actors/protocol.hpp, contract_router_actor): the CONTRACT
// SUPERVISOR's interface over every `contracts` node of a cluster. Each
// contract lives on the node its id hashes to (config/placement.hpp); every
// request naming a contract goes there, `list` merges every node's answer
// by id, and `resend` goes to every reachable node.
#pragma once

#include <string>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/engine_config.hpp"
#include "actors/protocol.hpp"
#include "messages/log.hpp"
#include "nodes/cluster/owner_table.hpp"

namespace onset::cluster {

struct contract_router_state {
  static inline const char* name = "contract-router";

  owner_table<actors::contract_supervisor_actor> owners;
  actors::engine_config::duration timeout;
  /// Every event carries `router=ROLE`.
  log::context log;
};

/// `owners` are the `contracts` nodes in cluster-file order; `local` is this
/// node's CONTRACT SUPERVISOR if `local_name` is one of them.
actors::contract_router_actor::behavior_type contract_router(
  actors::contract_router_actor::stateful_pointer<contract_router_state> self,
  std::vector<std::string> owners, std::string local_name,
  actors::contract_supervisor_actor local,
  actors::engine_config::duration timeout);

} // namespace onset::cluster
