// The contract store: each contract's record (document, lifecycle state,
// applied ledger), and the ids of the events already ingested, so that a
// duplicate event changes nothing (DESIGN.md section 4).
//
//   db contracts:
//     contract key   := 'C' id:str
//     contract value := archive(contract_record)
//   db events:
//     event key      := 'E' event_id:str
//     event value    := contract id, raw bytes
//
// (str, be64: persistence/keys.hpp; archive: persistence/serialization.hpp.)
//
// Deviations from the first sketch: reads take any `transaction&` (read or
// write) and return `result<...>`, since a read can meet a corrupt record;
// `for_each` takes an optional handler for records that do not decode;
// `remember_event` refuses an event id already remembered for another
// contract.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "messages/contract_record.hpp"
#include "messages/ids.hpp"
#include "persistence/status.hpp"
#include "persistence/transaction.hpp"

namespace onset::persistence::contract_store {

/// Stores `x` under `x.doc.id`, replacing the previous record.
/// Errors: `invalid_input` (empty or over-long id), `storage_failure`.
status put(write_txn& txn, const contract_record& x);

/// The record of `id`, or nullopt. Errors: `corrupt_record`,
/// `format_mismatch` (both naming database and key), `storage_failure`.
result<std::optional<contract_record>> get(transaction& txn,
                                           const contract_id& id);

/// Calls `fn` for every contract, in key order (shorter ids first, then
/// bytewise: C-2 before C-10). A record that does not decode
/// goes to `on_corrupt` (or the log) and the walk goes on; the result fails
/// only if LMDB does.
status for_each(transaction& txn,
                const std::function<void(const contract_record&)>& fn,
                const corrupt_handler& on_corrupt = {});

/// Remembers that `event_id` was ingested for `contract`. Remembering it
/// again for the same contract is a no-op; for another contract, it is
/// refused (`invalid_input`).
status remember_event(write_txn& txn, const std::string& event_id,
                      const contract_id& contract);

/// The contract that `event_id` was ingested for, if it was.
result<std::optional<contract_id>> find_event(transaction& txn,
                                              const std::string& event_id);

} // namespace onset::persistence::contract_store
