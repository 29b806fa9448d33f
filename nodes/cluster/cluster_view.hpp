// CLUSTER VIEW (actors/protocol.hpp, cluster_view_actor): what `onset
// cluster` shows. Asks every node's status source (the local NODE
// DIRECTORY, or the PEER LINK of a remote node, which answers "unreachable"
// at once while its node is down) and answers with all of them in
// cluster-file order.
#pragma once

#include <string>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/engine_config.hpp"
#include "actors/protocol.hpp"

namespace onset::cluster {

struct cluster_view_state {
  static inline const char* name = "cluster-view";

  /// One per node, in cluster-file order.
  std::vector<actors::node_status_actor> nodes;
  /// How long one node's answer may take.
  actors::engine_config::duration timeout;
};

actors::cluster_view_actor::behavior_type cluster_view(
  actors::cluster_view_actor::stateful_pointer<cluster_view_state> self,
  std::vector<actors::node_status_actor> nodes,
  actors::engine_config::duration timeout);

} // namespace onset::cluster
