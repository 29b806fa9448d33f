// The device store: each printer as the setting distribution side holds it
// (registration, firmware, applications, settings). A DEVICE writes its new
// state in the same transaction as its stream's applied watermark
// (persistence/receiver_ledger.hpp).
//
//   db devices:
//     device key   := 'D' id:str
//     device value := archive(device_state)
//
// (str: persistence/keys.hpp; archive: persistence/serialization.hpp.)
//
// Reads take any `transaction&` (read or write) and return `result<...>`,
// since a read can meet a corrupt record; `for_each` takes an optional
// handler for records that do not decode.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "messages/device_state.hpp"
#include "messages/ids.hpp"
#include "persistence/status.hpp"
#include "persistence/transaction.hpp"

namespace onset::persistence::device_store {

/// Stores `x` under `x.registration.id`, replacing what was there.
status put(write_txn& txn, const device_state& x);

/// Removes the printer `id` (decommissioned); its receiver ledger stays.
/// True if it was stored.
result<bool> remove(write_txn& txn, const device_id& id);

/// The state of `id`, or nullopt. Errors: `corrupt_record`,
/// `format_mismatch` (naming database and key), `storage_failure`.
result<std::optional<device_state>> get(transaction& txn, const device_id& id);

/// Calls `fn` for every printer, in key order (shorter ids first, then
/// bytewise: MFP-9 before MFP-10). A record that does not decode
/// goes to `on_corrupt` (or the log) and the walk goes on.
status for_each(transaction& txn,
                const std::function<void(const device_state&)>& fn,
                const corrupt_handler& on_corrupt = {});

/// How many printers are stored.
result<uint64_t> count(transaction& txn);

} // namespace onset::persistence::device_store
