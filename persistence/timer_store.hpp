// The timer store: contract dates that must fire across restarts (the start
// and the end of a contract's period). Keys sort by time, so the due timers
// are a prefix of the database.
//
//   db timers:
//     timer key   := 'T' at:time kind:u8 contract:str
//     timer value := archive(due_timer)
//
// (time, str: persistence/keys.hpp; archive: persistence/serialization.hpp.)
//
// Reads take any `transaction&` (read or write) and return `result<...>`,
// since a read can meet a corrupt record; `remove` says whether the timer
// was there.
#pragma once

#include <optional>
#include <vector>

#include "messages/due_timer.hpp"
#include "messages/utc_time.hpp"
#include "persistence/status.hpp"
#include "persistence/transaction.hpp"

namespace onset::persistence::timer_store {

/// Stores `x` (putting the same timer twice keeps one).
status put(write_txn& txn, const due_timer& x);

/// Removes `x`; true if it was there.
result<bool> remove(write_txn& txn, const due_timer& x);

/// The timers with `at <= now`, earliest first.
result<std::vector<due_timer>> due(transaction& txn, utc_time now);

/// The earliest timer, or nullopt.
result<std::optional<due_timer>> next(transaction& txn);

/// Every timer, earliest first.
result<std::vector<due_timer>> all(transaction& txn);

} // namespace onset::persistence::timer_store
