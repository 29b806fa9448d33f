// Upgrades of an environment written in an older format, run by
// `environment::open` inside its opening write transaction (so an upgrade
// is all or nothing, and a crash during it leaves the old format).
//
//   1 -> 2: each contract record (one value: document, status and ledger)
//           is split into its parts (persistence/contract_store.hpp), so
//           that an ack rewrites only what it changed.
//   2 -> 3: each history line becomes a record of one line
//           (persistence/history_store.hpp), so that the lines of one
//           write are one record.
//   3 -> 4: nothing is rewritten. Format 4 may hold `skip` steps,
//           `abandoned` history lines and receiver content digests, which
//           a format-3 reader would take for corrupt records; the version
//           makes such a reader refuse the directory instead.
#pragma once

#include <cstddef>
#include <cstdint>

#include "persistence/status.hpp"
#include "persistence/transaction.hpp"

namespace onset::persistence {

/// Rewrites the records of format `from` as the current format; returns how
/// many records it rewrote. The caller then stores the new format version.
/// Errors: `format_mismatch` (no upgrade from `from`), `corrupt_record` (a
/// record to rewrite does not decode: nothing is upgraded), `storage_failure`.
result<size_t> upgrade_format(write_txn& txn, uint32_t from);

} // namespace onset::persistence
