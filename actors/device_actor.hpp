// DEVICE: one printer on the setting distribution side. It applies the
// instructions of its streams through the printer's driver, in order, one
// at a time (actors/receiver_core.hpp), and keeps the printer's state and
// each stream's watermark in the store. Spawned by the DEVICE SUPERVISOR
// (actors/device_supervisor.hpp), which routes to it by device id.
//
// Per instruction: wait the driver's latency (a delayed message to itself),
// read the printer's state, call the driver, then commit the printer's new
// state with the watermark.
// With an endpoints file, the printer is reached through its
// printer-management endpoint instead (actors/endpoint_link.hpp): no driver,
// the committed state is Onset's mirror of what the endpoint answered.
// While the printer is offline (`device_state::online`, persisted), applies
// wait unanswered; switched on line, they run in order at once.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "actors/device_driver.hpp"
#include "actors/endpoint_link.hpp"
#include "actors/protocol.hpp"
#include "actors/receiver_context.hpp"
#include "actors/receiver_core.hpp"
#include "messages/device_state.hpp"
#include "messages/log.hpp"

namespace onset::actors {

struct device_actor_state;

/// Runs a DEVICE's receiver_core callbacks on its actor (device_actor.cpp).
class device_target final : public receiver_target {
public:
  using self_ptr = device_worker_actor::stateful_pointer<device_actor_state>;

  void bind(self_ptr self) {
    self_ = self;
  }

  void execute(const instruction& x, uint64_t op) override;
  bool executes_skips() const override;
  void commit(persistence::write_batch batch, commit_done done) override;
  void reload() override;

private:
  self_ptr self_ = nullptr;
};

/// Kept small: a devices node may hold many idle DEVICE actors. The
/// printer's state is not cached; each step reads it from the store when it
/// starts (steps are serial, so the store holds the latest committed one);
/// only its online switch is mirrored, as the core's hold. (`device_state`
/// is the printer's state, a message type.)
struct device_actor_state {
  static inline const char* name = "device";

  device_id id;
  /// The simulator's; none when delivering to an endpoint.
  std::unique_ptr<device_driver> driver;
  /// Delivering to an endpoint; none with the simulator.
  std::unique_ptr<endpoint_link> link;
  /// The supervisor's, shared.
  std::shared_ptr<const receiver_context> ctx;
  /// `device=MFP-0001` in every event.
  log::context log;
  device_target target;
  /// Declared last: it refers to `log` and `target`.
  std::optional<receiver_core> core;
};

/// The printer `id` as committed in `env`. Errors: `unknown_device`, or the
/// store's.
caf::expected<device_state> registered_printer(persistence::environment& env,
                                               const device_id& id);

/// REQUIRES: `id` is registered (the supervisor checks); otherwise the actor
/// stops at once with `unknown_device`.
device_worker_actor::behavior_type
device_behavior(device_worker_actor::stateful_pointer<device_actor_state> self,
                device_id id, std::shared_ptr<const receiver_context> ctx,
                driver_factory make_driver);

} // namespace onset::actors
