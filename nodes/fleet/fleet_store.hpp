// What onset-fleet keeps, in its own LMDB environment
// (persistence::environment, in its own data directory), in the named
// databases a node has:
//
//   db meta:     "fleet" -> "1"     marks an onset-fleet data directory
//   db devices:  'D' id:str -> archive(device_state)
//                (persistence/device_store.hpp: the printers it manages)
//   db services: 'S' service:str device:str -> archive(service_device_state)
//                (persistence/service_store.hpp: each printer at a service)
//   db ledger:   'W' stream -> applied seq:be64
//                'E' stream seq:be64 -> count:be64 digest:byte{32}
//                (persistence/receiver_ledger.hpp: idempotent mode only)
//                'I' kind:u8 name:str device:str stream -> ""
//                (the streams of each target, for `streams` in a read)
//   db history:  'L' index:be64 -> entry     (the effect log, commit order)
//     entry := type:u8 idempotent:u8 stream seq:be64 kind:u8
//              time_ms:be64 digest:str
//     type  := 1 an effect performed (a `skip` included, kind 8)
//            | 2 a conflict answered (nothing performed)
//
// (str, be64, stream: persistence/keys.hpp; kind: messages::step_kind;
// time_ms: milliseconds since the Unix epoch, UTC.)
//
// An apply writes the target's new state, the stream's watermark and effect
// record, and the log entry in the same write transaction, so that a kill
// never leaves an effect without its record or the reverse.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "messages/endpoint_protocol.hpp"
#include "messages/instruction.hpp"
#include "persistence/status.hpp"
#include "persistence/transaction.hpp"

namespace onset::fleet {

/// One line of the effect log.
struct log_entry {
  enum class type : uint8_t { effect = 1, conflict = 2 };

  /// Its position in the log, from 1 (set by `append_log`).
  uint64_t index = 0;
  type what = type::effect;
  /// Whether the server kept idempotency records when it wrote this.
  bool idempotent = true;
  stream_id stream;
  uint64_t seq = 0;
  step_kind kind = step_kind::skip;
  int64_t time_ms = 0;
  /// The instruction's digest as sent (32 bytes).
  std::string digest;
};

/// Marks the environment as an onset-fleet data directory.
persistence::status mark_fleet(persistence::write_txn& txn);

/// Whether the environment carries the mark.
persistence::result<bool> is_fleet(persistence::transaction& txn);

/// Records that `stream` goes to its target (idempotent).
persistence::status note_stream(persistence::write_txn& txn,
                                const stream_id& stream);

/// The streams of `target` with their applied watermarks, by
/// `stream_id::to_string()`.
persistence::result<std::vector<std::pair<stream_id, uint64_t>>>
streams_of(persistence::transaction& txn, const endpoint::target_ref& target);

/// Appends `x` at the end of the log, setting its index.
persistence::status append_log(persistence::write_txn& txn, log_entry& x);

/// Calls `fn` for every entry in log order. An entry that does not decode
/// stops the walk with `corrupt_record`, naming its key.
persistence::status
for_each_log(persistence::transaction& txn,
             const std::function<void(const log_entry&)>& fn);

} // namespace onset::fleet
