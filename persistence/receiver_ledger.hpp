// The receiver ledger, shared by both receiving sides (a DEVICE for its
// printer, a SERVICE for its printers): per stream, the applied watermark,
// and per instruction how many times its effect was applied. The receiver
// writes both in the same write transaction as the effect itself, then
// acknowledges (docs/design.md, "Delivery"). The effect counts let the chaos
// check prove "exactly once": every count must be 1.
//
//   db ledger:
//     applied key   := 'W' stream
//     applied value := seq:be64
//     effect key    := 'E' stream seq:be64
//     effect value  := count:be64 digest:byte{32}
//
// The digest is the applied instruction's content digest
// (messages/instruction_digest.hpp), in the effect record so that it
// costs no record of its own.
// Instructions applied before digests were kept have none: a duplicate of
// one is re-acked as before.
// (stream, be64: persistence/keys.hpp.)
//
// Reads take any `transaction&` (read or write) and return `result<...>`;
// `count_effect` returns the new count; `set_applied` refuses a watermark that
// goes back or skips; only `lower_applied` moves one back.
#pragma once

#include <cstdint>
#include <functional>

#include "messages/instruction.hpp"
#include "persistence/status.hpp"
#include "persistence/transaction.hpp"

namespace onset::persistence::receiver_ledger {

/// The applied watermark of `stream` (0 before the first instruction).
result<uint64_t> applied(transaction& txn, const stream_id& stream);

/// Moves the applied watermark to `seq`. The same seq again is a no-op;
/// anything but the current watermark or the next seq is refused
/// (`invalid_input`): watermarks never go back and never skip.
status set_applied(write_txn& txn, const stream_id& stream, uint64_t seq);

/// Moves the applied watermark back to `seq`: the target behind it is an
/// endpoint that lost what it applied (restored from a backup), and the
/// stream is delivered to it again from seq+1. A seq above the current
/// watermark is refused (`invalid_input`). Effect counts are kept.
status lower_applied(write_txn& txn, const stream_id& stream, uint64_t seq);

/// Counts one more application of the effect of instruction `seq`, whose
/// content digest is `digest` (kept with the count); returns the new count.
result<uint64_t> count_effect(write_txn& txn, const stream_id& stream,
                              uint64_t seq, const std::string& digest = {});

/// The content digest of the instruction applied as `seq`; empty if none
/// was kept.
result<std::string> digest(transaction& txn, const stream_id& stream,
                           uint64_t seq);

/// How many times the effect of instruction `seq` was applied.
result<uint64_t> effect_count(transaction& txn, const stream_id& stream,
                              uint64_t seq);

/// Calls `fn(stream, seq, count)` for every counted effect, ordered by
/// stream and seq. A malformed entry stops the walk with `corrupt_record`.
status for_each_effect(transaction& txn,
                       const std::function<void(const stream_id&, uint64_t seq,
                                                uint64_t count)>& fn);

} // namespace onset::persistence::receiver_ledger
