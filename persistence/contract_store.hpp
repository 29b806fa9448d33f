// The contract store: each contract's record (document, lifecycle status,
// applied ledger), and the ids of the events already ingested, so that a
// duplicate event changes nothing (docs/design.md, "Contract lifecycle").
//
// Format 2 keeps a record in parts, so that an ack rewrites only what it
// changed (usually the status or one ledger entry), never the document:
//
//   db contracts:
//     contract prefix := 'C' id:str
//     document key    := 'C' id:str 'D'
//     document value  := archive(contract)
//     status key      := 'C' id:str 'S'
//     status value    := archive(contract_status)
//     device key      := 'C' id:str 'L' device:str
//     device value    := archive(device_ledger)
//     service key     := 'C' id:str 'V' service:str device:str
//     service value   := archive(service_ledger)
//   db events:
//     event key       := 'E' event_id:str
//     event value     := contract id, raw bytes
//
// A contract's parts are adjacent (its prefix is never a prefix of another
// contract's: str is length-prefixed), so one prefix scan loads it. A
// contract exists iff its document key does; a stored contract always has
// a status. Format 1 stored the whole record under 'C' id:str
// (archive(contract_record)); `upgrade_from_format_1` rewrites that.
//
// (str, be64: persistence/keys.hpp; archive: persistence/serialization.hpp.)
//
// Reads take any `transaction&` (read or write) and return `result<...>`, since
// a read can meet a corrupt record; `for_each` takes an optional handler for
// records that do not decode; `remember_event` refuses an event id already
// remembered for another contract.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "messages/contract_record.hpp"
#include "messages/contract_status.hpp"
#include "messages/ids.hpp"
#include "persistence/contract_delta.hpp"
#include "persistence/status.hpp"
#include "persistence/transaction.hpp"

namespace onset::persistence::contract_store {

/// Stores `x` under `x.doc.id`, replacing every part of the previous record.
/// Errors: `invalid_input` (empty or over-long id), `storage_failure`.
status put(write_txn& txn, const contract_record& x);

/// Writes only what `d` changed of contract `id` (see contract_delta.hpp);
/// an empty delta writes nothing. REQUIRES: the contract was `put` before
/// (or `d` carries its document and status). Errors: `invalid_input` (empty
/// id, a document of another id), `storage_failure`.
status write(write_txn& txn, const contract_id& id, const contract_delta& d);

/// The record of `id`, or nullopt. Errors: `corrupt_record` (a part that
/// does not decode, a part without document or status),
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

/// Calls `fn` with every contract's status alone, in key order, decoding
/// nothing else of it (what a count by state needs). A status that does
/// not decode goes to `on_corrupt` (or the log) and the walk goes on.
status for_each_status(transaction& txn,
                       const std::function<void(const contract_status&)>& fn,
                       const corrupt_handler& on_corrupt = {});

/// Rewrites every format 1 contract value (the whole record under
/// 'C' id:str) as format 2 parts. A value that does not decode fails the
/// upgrade (`corrupt_record` naming database and key): nothing is written.
/// Returns the number of contracts rewritten.
result<size_t> upgrade_from_format_1(write_txn& txn);

/// Remembers that `event_id` was ingested for `contract`. Remembering it
/// again for the same contract is a no-op; for another contract, it is
/// refused (`invalid_input`).
status remember_event(write_txn& txn, const std::string& event_id,
                      const contract_id& contract);

/// The contract that `event_id` was ingested for, if it was.
result<std::optional<contract_id>> find_event(transaction& txn,
                                              const std::string& event_id);

} // namespace onset::persistence::contract_store
