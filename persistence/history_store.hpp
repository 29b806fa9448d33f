// The history store: per contract, every transition, send, ack and problem,
// with its time, in the order they happened. Append-only.
//
//   db history (format 3):
//     lines key   := 'H' contract:str last:be64       (index from 1)
//     lines value := archive(std::vector<history_entry>)
//
// One record holds the lines one `append` wrote, indexed up to `last`: a
// CONTRACT's ack and its next send are one record, not two, and the next
// append's first index is read off the last key alone. (Format 2 kept one
// line per record, under its own index: the upgrade wraps each in a list
// of one, keys unchanged.) (str, be64: persistence/keys.hpp; archive:
// persistence/serialization.hpp.)
//
// `list` takes any `transaction&` (read or write) and returns `result<...>`,
// since a read can meet a corrupt record; `append` returns the entry's
// index.
#pragma once

#include <cstdint>
#include <vector>

#include "messages/history_entry.hpp"
#include "messages/ids.hpp"
#include "persistence/status.hpp"
#include "persistence/transaction.hpp"

namespace onset::persistence::history_store {

/// Appends `xs` (at least one) to the history of `contract` as one record;
/// returns the index of the last of them (the first line has index 1).
result<uint64_t> append(write_txn& txn, const contract_id& contract,
                        const std::vector<history_entry>& xs);

/// Appends the one line `x`; returns its index.
result<uint64_t> append(write_txn& txn, const contract_id& contract,
                        const history_entry& x);

/// The history of `contract`, oldest first. An entry that does not decode
/// fails the whole list (`corrupt_record`, naming database and key).
result<std::vector<history_entry>> list(transaction& txn,
                                        const contract_id& contract);

/// Rewrites every format 2 history record (one line) as a format 3 record
/// (a list of that one line), keys unchanged; returns how many. A record
/// that does not decode fails the upgrade (`corrupt_record`).
result<size_t> upgrade_from_format_2(write_txn& txn);

} // namespace onset::persistence::history_store
