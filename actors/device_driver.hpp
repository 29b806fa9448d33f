// The interface through which a DEVICE actor reaches its printer, so that a
// real printer protocol can replace the simulated one
// (actors/simulated_printer.hpp). No CAF here: a driver is plain C++.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "messages/device_state.hpp"
#include "messages/ids.hpp"
#include "messages/instruction.hpp"

namespace onset::actors {

/// What the printer made of one instruction.
struct driver_result {
  enum class status {
    /// Done: `state` is the printer's state now.
    applied,
    /// A precondition failed; resending the same instruction fails again.
    /// `reason` names what is missing.
    refused,
    /// A passing failure (busy, lost connection): resending may succeed.
    transient,
  };

  status outcome = status::applied;
  device_state state;
  std::string reason;

  static driver_result applied(device_state x) {
    return {status::applied, std::move(x), {}};
  }

  static driver_result refused(std::string why) {
    return {status::refused, {}, std::move(why)};
  }

  static driver_result transient(std::string why) {
    return {status::transient, {}, std::move(why)};
  }
};

/// One printer's driver. Owned by the printer's DEVICE actor and called only
/// from its handlers (one at a time, never concurrently).
class device_driver {
public:
  virtual ~device_driver() = default;

  /// How long executing `x` takes on the printer. The DEVICE actor waits
  /// this long before it calls `apply`.
  virtual std::chrono::nanoseconds latency(const instruction& x) const = 0;

  /// Executes `x` on a printer in state `current`. REQUIRES: `x` is a device
  /// step (firmware, apps_install, settings_apply, settings_revert,
  /// apps_remove) for this printer. Must not throw.
  virtual driver_result apply(const device_state& current, const instruction& x)
    = 0;
};

/// Makes the driver of one printer; called when its DEVICE actor starts
/// (again, after a crash). Shared by every DEVICE actor of a node, so it
/// must be safe to call from several threads at once.
using driver_factory
  = std::function<std::unique_ptr<device_driver>(const device_id&)>;

} // namespace onset::actors
