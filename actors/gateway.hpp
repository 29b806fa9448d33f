// The GATEWAY: the one entry point for contract events and operator queries
// (actors/protocol.hpp, gateway_actor). It checks input again (what arrives
// over the wire is not trusted), checks every document of a submission
// before the first is submitted, and routes to the CONTRACT, DEVICE and
// SERVICE SUPERVISORs, which answer only once a change is durable.
#pragma once

#include <cstddef>
#include <memory>
#include <random>
#include <string>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/engine_config.hpp"
#include "actors/protocol.hpp"
#include "messages/catalog.hpp"

namespace onset::actors {

/// Where the GATEWAY sends what it is asked: the supervisors of its node, or
/// in a cluster the ROUTERs that stand in for them, and the CLUSTER VIEW.
struct gateway_routes {
  contract_supervisor_actor contracts;
  device_supervisor_actor devices;
  service_supervisor_actor services;
  cluster_view_actor nodes;
};

/// The largest catalog text `onset plan --catalog` may send, in bytes: a
/// catalog is a few kilobytes, and the node parses it while it answers.
constexpr size_t max_catalog_text = 1 << 20;

struct gateway_state {
  static inline const char* name = "gateway";

  gateway_routes routes;
  std::shared_ptr<const catalog> cat;
  /// How long the gateway waits for a supervisor.
  engine_config::duration timeout;
  /// Tokens of the holds for printer changes (actors/gateway_changes.hpp).
  std::mt19937_64 hold_tokens{std::random_device{}()};
};

gateway_actor::behavior_type
gateway_behavior(gateway_actor::stateful_pointer<gateway_state> self,
                 gateway_routes routes, std::shared_ptr<const catalog> cat,
                 engine_config::duration timeout);

} // namespace onset::actors
