// The STORE actor: the single writer of one environment (docs/design.md).
// Everyone who writes sends it a `write_batch`; it commits the
// batches waiting in its mailbox in one write transaction (group commit) and
// only then replies to each requester.
//
//   write request ─▶ queue (+ promise) ─┐  the first request of a round
//   write request ─▶ queue (+ promise)  │  sends INTERNAL flush to self;
//   ...                                 │  it lands behind every request
//   flush ◀─────────────────────────────┘  already in the mailbox
//     begin write txn
//       for each queued batch: batch(txn), straight in the round's txn
//     any batch failed -> abort, replay the round with a child txn each:
//         error -> abort child, that requester gets the error
//         ok    -> commit child into the parent
//     commit once (2 fsyncs in durable mode), then deliver every promise
//     MDB_MAP_FULL anywhere -> abort all, grow the map, replay every batch
//
// Acks are never sent before the data they confirm is committed, as durable
// as the environment's sync mode makes it.
//
// Reads do not go through the STORE: a handler that needs data begins a read
// transaction (environment::begin_read) and ends it before returning.
//
// Shutdown: an exit message (e.g. `user_shutdown`) makes the STORE commit
// and acknowledge what it has queued, log its totals (commits, batches,
// records: what onset-bench reads), then quit; its pending reader-check
// timer then finds it gone and is dropped. The node sends that exit before
// it closes the environment. `exit_reason::kill` skips the final commit:
// batches still queued are answered `storage_failure` (nothing of them
// written) as the STORE goes, so writers need no timeout (request_write).
//
// A fatal storage error (`failure::fatal`: MDB_PANIC, corruption, EIO) in a
// round stops the STORE for good: it logs `store.fatal` once, answers the
// round's batches `storage_failure`, and quits with that error as its exit
// reason, so that CAF bounces every later write and the node, which watches
// that exit, stops (docs/persistence.md, "Fatal storage errors").
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <caf/error.hpp>
#include <caf/replies_to.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/timespan.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "messages/error_code.hpp"
#include "messages/type_ids.hpp"
#include "persistence/caf_error.hpp"
#include "persistence/environment.hpp"
#include "persistence/status.hpp"

namespace onset::metrics {
class node_metrics;
} // namespace onset::metrics

namespace onset::persistence {

/// Writes into the STORE's transaction; returns an error to fail (and undo)
/// only this batch. It may run more than once (replayed after the map grew,
/// or after a batch of its round failed), so it must be a pure function of
/// the transaction: no side effects outside it. It must not commit or abort the
/// transaction it is given (the STORE does). It never crosses the wire: its
/// requester and the STORE share a process.
using write_batch = std::function<caf::error(write_txn&)>;

} // namespace onset::persistence

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(onset::persistence::write_batch)

namespace onset::persistence {

using store_actor = caf::typed_actor<
  // Runs the batch in the next group commit; replies once it is committed,
  // or with the batch's own error (nothing of it written), or with
  // `storage_failure` if the commit failed (nothing of the round written;
  // a fatal failure also stops the STORE).
  caf::replies_to<atom::write, write_batch>::with<atom::ok>,
  // INTERNAL: commits every queued batch.
  caf::reacts_to<atom::flush>,
  // INTERNAL: the periodic reader check; ignored unless its generation is
  // the current one.
  caf::reacts_to<atom::tick, uint64_t>>;

struct store_state {
  static inline const char* name = "store";

  store_state() = default;
  store_state(const store_state&) = delete;
  store_state& operator=(const store_state&) = delete;

  /// Answers every batch still queued with `storage_failure` (nothing of
  /// it written): the STORE stops, whatever the reason (`kill` included,
  /// which skips the final commit), and no requester waits for an answer
  /// that would never come. Requests still in its mailbox are bounced by
  /// CAF (`request_receiver_down`).
  ~store_state();

  struct request {
    write_batch batch;
    caf::typed_response_promise<atom::ok> promise;
  };

  environment* env = nullptr;
  /// For the log.
  caf::actor_id id = 0;
  /// Requests waiting for the next flush.
  std::vector<request> queue;
  /// A flush message is on its way.
  bool flush_pending = false;
  /// A fatal storage error stopped the STORE.
  bool fatal = false;
  /// The generation of the live reader-check timer.
  uint64_t tick_generation = 0;

  // Counters, for the log, tests and the benchmark.
  uint64_t commits = 0;
  uint64_t batches = 0;
  uint64_t failed_batches = 0;
  uint64_t replays = 0;
  /// Rounds run again with a child transaction per batch because one of
  /// their batches failed.
  uint64_t nested_replays = 0;
  /// Records written by committed rounds (LMDB puts and deletes).
  uint64_t records = 0;
  /// The node's metrics: each committed round's time, batches and records
  /// (docs/operations.md). None: not counted.
  std::shared_ptr<metrics::node_metrics> metrics;
};

/// The STORE actor. The caller decides whether it runs detached (production:
/// `spawn<caf::detached>(store_behavior, env)`, so fsync blocks only its own
/// thread). REQUIRES: `env` outlives the actor; no other actor writes to `env`.
store_actor::behavior_type
store_behavior(store_actor::stateful_pointer<store_state> self,
               environment* env);

/// The STORE actor, counting each committed round in `metrics`.
store_actor::behavior_type
metered_store_behavior(store_actor::stateful_pointer<store_state> self,
                       environment* env,
                       std::shared_ptr<metrics::node_metrics> metrics);

/// Asks `store` to commit `batch` for `self`; `then` it with the handlers
/// of `atom::ok` and of the error. No timeout: the STORE is local and
/// answers every write it gets (committed, failed, or storage_failure when
/// it stops first, see ~store_state), and a timeout costs two events on
/// CAF's clock thread per write (set, cancel), on the path of every ack.
template <class Self>
auto request_write(Self* self, const store_actor& store, write_batch batch) {
  return self->request(store, caf::infinite, atom::write_v, std::move(batch));
}

/// Requests an empty batch: its answer comes once every batch the STORE
/// received before it is committed or failed (it answers batches in arrival
/// order). An actor restarted after a crash waits for it before it reads
/// what its dead predecessor may still have had queued.
template <class Self>
auto request_drain(Self* self, const store_actor& store) {
  return request_write(self, store,
                       [](write_txn&) -> caf::error { return caf::none; });
}

} // namespace onset::persistence
