// DEVICE SUPERVISOR: owns the device registry (persistence/device_store.hpp),
// enrolls printers, and routes each DEVICE message to the DEVICE actor of
// the printer it names, spawning that actor on first use (a node can hold
// many registered printers of which few are busy). It monitors the DEVICE
// actors and respawns one that crashed: the new one resumes from the store.
// Routing uses `delegate`, so the DEVICE actor answers the requester
// directly. Changes of a printer's record (model, customer) and its
// decommissioning happen under a hold (actors/device_changes.hpp).
#pragma once

#include <map>
#include <string>

#include <caf/actor_clock.hpp>

#include "actors/device_actor.hpp"
#include "actors/protocol.hpp"
#include "actors/receiver_context.hpp"
#include "actors/worker_registry.hpp"

namespace caf {
class actor_system;
} // namespace caf

namespace onset::actors {

/// A printer held for a change of its record: by whom (the token) and
/// until when; a hold whose change is being written does not expire.
struct change_hold {
  uint64_t token = 0;
  caf::actor_clock::time_point until;
  bool writing = false;
};

struct device_supervisor_state {
  static inline const char* name = "device-supervisor";

  /// Shared with every DEVICE actor (one pointer each, not a copy).
  std::shared_ptr<const receiver_context> ctx;
  driver_factory make_driver;
  /// The DEVICE actors running now, by printer.
  worker_registry<device_id, device_worker_actor> workers;
  /// Printers held for a change of their record (`atom::hold`).
  std::map<device_id, change_hold> holds;
};

device_supervisor_actor::behavior_type device_supervisor_behavior(
  device_supervisor_actor::stateful_pointer<device_supervisor_state> self,
  receiver_context ctx, driver_factory make_driver);

/// Spawns the DEVICE SUPERVISOR of a node. Every printer's driver comes from
/// `make_driver` (e.g. `simulated_printer_factory`).
/// REQUIRES: `env` outlives the supervisor and its DEVICE actors, and
/// `store` is the STORE actor writing `env`.
device_supervisor_actor spawn_device_supervisor(caf::actor_system& sys,
                                                persistence::store_actor store,
                                                persistence::environment& env,
                                                driver_factory make_driver,
                                                receiver_options options = {});

} // namespace onset::actors
