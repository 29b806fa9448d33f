// The service store: what each smart service holds per printer (its
// server-side settings, whether the printer is registered and active). A
// SERVICE writes it in the same transaction as its stream's applied
// watermark (persistence/receiver_ledger.hpp).
//
//   db services:
//     key   := 'S' service:str device:str
//     value := archive(service_device_state)
//
// (str: persistence/keys.hpp; archive: persistence/serialization.hpp.)
//
// Reads take any `transaction&` (read or write) and return `result<...>`;
// `for_each_device_of` takes an optional handler for records that do not
// decode.
#pragma once

#include <functional>
#include <optional>

#include "messages/device_state.hpp"
#include "messages/ids.hpp"
#include "persistence/status.hpp"
#include "persistence/transaction.hpp"

namespace onset::persistence::service_store {

/// Stores what `service` holds for `device`, replacing what was there.
status put(write_txn& txn, const service_id& service, const device_id& device,
           const service_device_state& x);

/// What `service` holds for `device`, or nullopt.
result<std::optional<service_device_state>>
get(transaction& txn, const service_id& service, const device_id& device);

/// Calls `fn(device, state)` for every printer of `service`, in key order
/// (shorter ids first, then bytewise). A record that does not decode goes
/// to `on_corrupt` (or the log) and the walk goes on.
status for_each_device_of(
  transaction& txn, const service_id& service,
  const std::function<void(const device_id&, const service_device_state&)>& fn,
  const corrupt_handler& on_corrupt = {});

} // namespace onset::persistence::service_store
