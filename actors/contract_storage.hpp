// The contract side's reads and writes, in terms of the persistence stores:
// loading a contract with its outbox, due timers, event ids, and the write
// batch of one contract_change (one transaction).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/contract_change.hpp"
#include "messages/contract_record.hpp"
#include "messages/due_timer.hpp"
#include "messages/history_entry.hpp"
#include "messages/instruction.hpp"
#include "persistence/environment.hpp"
#include "persistence/store_actor.hpp"

namespace onset::actors {

/// One stream of a contract as the outbox holds it.
struct stored_stream {
  stream_id stream;
  uint64_t last_seq = 0;
  uint64_t acked = 0;
  /// seq acked+1 .. last_seq, in order.
  std::vector<instruction> pending;
  /// seq 1 .. acked, in order (only when asked for).
  std::vector<instruction> done;
};

/// A contract as the stores hold it.
struct stored_contract {
  contract_record record;
  std::vector<stored_stream> streams;
};

namespace contract_storage {

/// The contract and its streams; nullopt if unknown. With `with_done`, each
/// stream also lists its acknowledged instructions.
persistence::result<std::optional<stored_contract>>
load(persistence::environment& env, const contract_id& id,
     bool with_done = false);

/// Every stored contract record, in id order.
persistence::result<std::vector<contract_record>>
load_records(persistence::environment& env);

/// The contract that ingested `event_id`, if any.
persistence::result<std::optional<contract_id>>
find_event(persistence::environment& env, const std::string& event_id);

/// The instructions of `stream` with seqs `from` .. `to`, in order, as the
/// outbox keeps them after their ack.
persistence::result<std::vector<instruction>>
sent(persistence::environment& env, const stream_id& stream, uint64_t from,
     uint64_t to);

persistence::result<std::vector<due_timer>>
due_timers(persistence::environment& env, utc_time now);

persistence::result<std::optional<due_timer>>
next_timer(persistence::environment& env);

persistence::result<std::vector<history_entry>>
history(persistence::environment& env, const contract_id& id);

/// Writes `change` in the STORE's transaction: the record (whole, or its
/// delta: only the parts that changed), outbox appends
/// (refused unless each is the next seq of its stream) and acks, history,
/// timers and event ids. A pure function of the transaction (replayable).
persistence::write_batch batch(const contract_id& id, contract_change change);

/// The same, over a change shared with its writer: the CONTRACT keeps the
/// pointer to send what was appended and log the lines once the commit is
/// done, instead of copying every instruction and line.
persistence::write_batch batch(const contract_id& id,
                               std::shared_ptr<const contract_change> change);

} // namespace contract_storage

} // namespace onset::actors
