// NODE DIRECTORY (actors/protocol.hpp, node_directory_actor): published on
// the node's cluster address. It hands out the node's supervisors to its
// peers and reports the node's status: contracts and printers counted from
// the node's own stores, and how many of its PEER LINKs are up.
#pragma once

#include <string>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/timespan.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/protocol.hpp"
#include "messages/node_status.hpp"
#include "persistence/environment.hpp"

namespace onset::cluster {

/// The supervisors a node runs; invalid handles for roles it does not hold.
struct local_supervisors {
  actors::device_supervisor_actor devices;
  actors::contract_supervisor_actor contracts;
  actors::service_supervisor_actor services;
};

struct node_directory_state {
  static inline const char* name = "node-directory";

  /// Name, address and roles; `reachable` true, counts filled per query.
  node_status self_status;
  local_supervisors local;
  /// This node's PEER LINKs (local actors).
  std::vector<actors::peer_link_actor> peers;
  /// How long a PEER LINK may take to say whether it is up.
  caf::timespan timeout;
  /// Read transactions only. Not owned; outlives the actor.
  persistence::environment* env = nullptr;
  /// What it answers to `version` (onset::wire_version but in tests).
  uint32_t wire_version = 0;
};

/// REQUIRES: `env` outlives the actor.
actors::node_directory_actor::behavior_type node_directory(
  actors::node_directory_actor::stateful_pointer<node_directory_state> self,
  node_status identity, local_supervisors local,
  std::vector<actors::peer_link_actor> peers, persistence::environment* env,
  uint32_t wire_version);

} // namespace onset::cluster
