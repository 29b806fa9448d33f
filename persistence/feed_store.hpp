// The event feed of a contracts node: every contract_event, in the order
// the changes it reports committed, each written in the same transaction as
// its change (actors/contract_storage.hpp), so there is no change without
// its event and no event without its change.
//
//   db feed (format 6):
//     event key   := 'F' position:be64       (from 1, no gaps)
//     event value := archive(contract_event) (without its position)
//
// (be64: persistence/keys.hpp; archive: persistence/serialization.hpp.)
// Positions are this node's own: a cluster's feed is one per contracts
// node. Retention removes the oldest events (`prune`), never the newest,
// so the kept events are a contiguous run up to the last position and the
// next append continues the positions; a read from before the oldest kept
// event starts at it.
#pragma once

#include <cstdint>
#include <vector>

#include "messages/contract_event.hpp"
#include "persistence/status.hpp"
#include "persistence/transaction.hpp"

namespace onset::persistence::feed_store {

/// Appends `x` at the next position; returns that position.
result<uint64_t> append(write_txn& txn, const contract_event& x);

/// The last position written (0 before the first event).
result<uint64_t> last(transaction& txn);

/// The oldest position kept (0 when the feed is empty).
result<uint64_t> first(transaction& txn);

/// Removes, oldest first, at most `limit` events written before `cutoff`
/// (their `at`), stopping at the first one that is not, and never the
/// newest event (whose position the next append continues from); returns
/// how many it removed. The positions of the others do not change.
result<size_t> prune(write_txn& txn, utc_time cutoff, size_t limit);

/// How many events (at most `limit`) `prune(txn, cutoff, limit)` would
/// remove.
result<size_t> expired(transaction& txn, utc_time cutoff, size_t limit);

/// At most `limit` events after position `after`, oldest first, each with
/// its position. A record that does not decode fails the read
/// (`corrupt_record`, naming database and key).
result<std::vector<contract_event>> after(transaction& txn, uint64_t after,
                                          size_t limit);

} // namespace onset::persistence::feed_store
