// The history store: per contract, every transition, send, ack and problem,
// with its time, in the order they happened. Append-only.
//
//   db history:
//     entry key   := 'H' contract:str index:be64      (index from 1)
//     entry value := archive(history_entry)
//
// (str, be64: persistence/keys.hpp; archive: persistence/serialization.hpp.)
//
// Deviations from the first sketch: `list` takes any `transaction&` and
// returns `result<...>`; `append` returns the entry's index.
#pragma once

#include <cstdint>
#include <vector>

#include "messages/history_entry.hpp"
#include "messages/ids.hpp"
#include "persistence/status.hpp"
#include "persistence/transaction.hpp"

namespace onset::persistence::history_store {

/// Appends `x` to the history of `contract`; returns its index (from 1).
result<uint64_t> append(write_txn& txn, const contract_id& contract,
                        const history_entry& x);

/// The history of `contract`, oldest first. An entry that does not decode
/// fails the whole list (`corrupt_record`, naming database and key).
result<std::vector<history_entry>> list(transaction& txn,
                                        const contract_id& contract);

} // namespace onset::persistence::history_store
