// The outbox: per stream (contract x target), the instructions by sequence
// number and how far the target has acknowledged them (docs/design.md,
// "Delivery").
// A CONTRACT appends an instruction before it sends it, and records the ack
// once the target has committed the effect.
//
//   db outbox:
//     instruction key   := 'I' stream seq:be64
//     instruction value := archive(instruction)
//     stream key        := 'S' stream
//     stream value      := last:be64 acked:be64
//
// `last` is the highest appended seq, `acked` the acknowledged watermark
// (0 <= acked <= last). Instructions stay after their ack, so that `get`
// can show what was sent. (stream, str, be64: persistence/keys.hpp.)
//
// Reads take any `transaction&` (a read or a write transaction) and return
// `result<...>`, since a read can meet a corrupt record; `ack` returns whether
// the watermark moved.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "messages/ids.hpp"
#include "messages/instruction.hpp"
#include "persistence/status.hpp"
#include "persistence/transaction.hpp"

namespace onset::persistence::outbox_store {

/// Appends `x` to `x.stream`. Refuses (`invalid_input`) unless
/// `x.seq == last_seq + 1`: no gaps, no rewrites.
status append(write_txn& txn, const instruction& x);

/// Puts `x` in place of the pending instruction of its stream and seq (an
/// abandoned step's `skip`). Refuses (`invalid_input`) a seq that is not
/// pending (at or below the watermark, or beyond the last appended).
status replace(write_txn& txn, const instruction& x);

/// Records that the target acknowledged everything up to `seq`. True if the
/// watermark moved; false (a no-op) at or below the watermark. Refuses
/// (`invalid_input`) a seq above the last appended one.
result<bool> ack(write_txn& txn, const stream_id& stream, uint64_t seq);

/// `append` of each of `appended` (all of `stream`, in seq order), then
/// `ack` of `ack_seq` (0: none), reading and writing the stream's
/// watermarks once instead of once per call: a CONTRACT's ack of one step
/// usually comes with the append of the next step of the same stream. The
/// same checks and result as those calls; on an error the caller aborts the
/// transaction (what was put before it is not undone here).
result<bool> advance(write_txn& txn, const stream_id& stream,
                     const std::vector<const instruction*>& appended,
                     uint64_t ack_seq);

/// The acknowledged watermark (0 before the first ack).
result<uint64_t> acked(transaction& txn, const stream_id& stream);

/// The highest appended seq (0 before the first append).
result<uint64_t> last_seq(transaction& txn, const stream_id& stream);

/// The instructions above the watermark, in seq order.
result<std::vector<instruction>> pending(transaction& txn,
                                         const stream_id& stream);

/// The instruction `seq` of `stream`, or nullopt.
result<std::optional<instruction>> get(transaction& txn,
                                       const stream_id& stream, uint64_t seq);

/// Every stream of `contract` that has an instruction, in key order.
result<std::vector<stream_id>> streams_of(transaction& txn,
                                          const contract_id& contract);

} // namespace onset::persistence::outbox_store
