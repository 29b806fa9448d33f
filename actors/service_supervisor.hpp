// SERVICE SUPERVISOR: routes each SERVICE message to a SERVICE actor of
// the catalog service it names (the instruction's target, or the query's
// service id), spawning that actor on first use, and respawns one that
// crashed (it resumes from the store). Routing uses `delegate`, so the
// SERVICE actor answers the requester directly.
//
// A service has `receiver_options::service_lanes` SERVICE actors; an
// instruction goes to the lane of its stream's contract, so a stream is
// always applied by the same actor, in order, while streams of other lanes
// commit alongside it. Queries go to lane 0 (every lane reads the store).
#pragma once

#include <memory>
#include <string>

#include "actors/protocol.hpp"
#include "actors/receiver_context.hpp"
#include "actors/service_actor.hpp"
#include "actors/worker_registry.hpp"
#include "messages/catalog.hpp"

namespace caf {
class actor_system;
} // namespace caf

namespace onset::actors {

/// The key of one SERVICE actor.
struct service_lane {
  service_id service;
  size_t lane = 0;
};

inline bool operator==(const service_lane& x, const service_lane& y) {
  return x.service == y.service && x.lane == y.lane;
}

/// The lane of `stream` (a service stream) among `lanes`.
service_lane lane_of(const stream_id& stream, size_t lanes);

} // namespace onset::actors

template <>
struct std::hash<onset::actors::service_lane> {
  size_t operator()(const onset::actors::service_lane& x) const noexcept {
    return std::hash<onset::service_id>{}(x.service) * 31 + x.lane;
  }
};

namespace onset::actors {

struct service_supervisor_state {
  static inline const char* name = "service-supervisor";

  receiver_context ctx;
  std::shared_ptr<const catalog> cat;
  /// The SERVICE actors running now, by service and lane.
  worker_registry<service_lane, service_actor> workers;
};

service_supervisor_actor::behavior_type service_supervisor_behavior(
  service_supervisor_actor::stateful_pointer<service_supervisor_state> self,
  receiver_context ctx, std::shared_ptr<const catalog> cat);

/// Spawns the SERVICE SUPERVISOR of a node for the services of `cat`.
/// REQUIRES: `env` outlives the supervisor and its SERVICE actors, and
/// `store` is the STORE actor writing `env`.
service_supervisor_actor
spawn_service_supervisor(caf::actor_system& sys, persistence::store_actor store,
                         persistence::environment& env,
                         std::shared_ptr<const catalog> cat,
                         receiver_options options = {});

} // namespace onset::actors
