// DEVICE: one printer on the setting distribution side. It applies the
// instructions of its streams through the printer's driver, in order, one
// at a time (actors/receiver_core.hpp), and keeps the printer's state and
// each stream's watermark in the store. Spawned by the DEVICE SUPERVISOR
// (actors/device_supervisor.hpp), which routes to it by device id.
//
// Per instruction: wait the driver's latency (a delayed message to itself),
// call the driver, then commit the printer's new state with the watermark.
// While the printer is offline (`device_state::online`, persisted), applies
// wait unanswered; switched on line, they run in order at once.
#pragma once

#include <memory>
#include <string>

#include "actors/device_driver.hpp"
#include "actors/protocol.hpp"
#include "actors/receiver_context.hpp"
#include "actors/receiver_core.hpp"
#include "messages/device_state.hpp"

namespace onset {

struct device_state_holder {
  static inline const char* name = "onset.device";

  device_id id;
  /// The printer's state as committed.
  device_state printer;
  std::unique_ptr<device_driver> driver;
  std::unique_ptr<receiver_core> core;
  receiver_context ctx;
  /// `[device MFP-0001 #42]`.
  std::string prefix;
};

/// REQUIRES: `id` is registered (the supervisor checks); otherwise the actor
/// stops at once with `unknown_device`.
device_worker_actor::behavior_type
device(device_worker_actor::stateful_pointer<device_state_holder> self,
       device_id id, receiver_context ctx, driver_factory make_driver);

} // namespace onset
