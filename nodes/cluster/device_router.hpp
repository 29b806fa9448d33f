// DEVICE ROUTER (actors/protocol.hpp, device_router_actor): the DEVICE
// SUPERVISOR's interface over every `devices` node of a cluster. Each
// printer lives on the node its id hashes to (config/placement.hpp).
//
// - apply, get, online: to the printer's node;
// - enroll: split by node; every node is asked for its registrations first
//   and the enrollment is refused, with nothing written, if a printer is
//   registered there with another record or a node is unreachable; then
//   every node writes its part. A node failing between check and write
//   leaves a partial enrollment: the reply is then `partial`, naming per
//   node the printers written and those that failed and why; enrolling the
//   same records again completes it (written records are accepted again
//   unchanged);
// - records: split by node, merged in the order asked;
// - list: every node's printers, merged by id.
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

struct device_router_state {
  static inline const char* name = "device-router";

  owner_table<actors::device_supervisor_actor> owners;
  /// Steps for remote nodes, batched per node (step_batcher.hpp).
  step_batcher batcher;
  /// How long a request to a remote node may take.
  actors::engine_config::duration timeout;
  /// Every event carries `router=ROLE`.
  log::context log;
};

/// `owners` are the `devices` nodes in cluster-file order; `local` is this
/// node's DEVICE SUPERVISOR if `local_name` is one of them.
actors::device_router_actor::behavior_type device_router(
  actors::device_router_actor::stateful_pointer<device_router_state> self,
  std::vector<std::string> owners, std::string local_name,
  actors::device_supervisor_actor local,
  actors::engine_config::duration timeout);

} // namespace onset::cluster
