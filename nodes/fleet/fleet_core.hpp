// The endpoint of onset-fleet without HTTP: the rules of docs/endpoints.md
// over the store of nodes/fleet/fleet_store.hpp. The effects and their
// preconditions are the embedded simulator's (actors/simulated_printer.hpp,
// actors/service_steps.hpp), so that Onset behaves the same against either.
//
// Thread-safe. A read runs in its own LMDB read transaction. Applies use
// group commit: the applies that arrive while one commits wait, then the
// first of them applies them all, in arrival order, in one write
// transaction, so that concurrent requests share one durable commit (its
// page writes and its fsync) instead of queueing for LMDB's one writer.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "actors/simulated_printer.hpp"
#include "messages/catalog.hpp"
#include "messages/device_record.hpp"
#include "messages/endpoint_protocol.hpp"
#include "nodes/fleet/fleet_store.hpp"
#include "persistence/environment.hpp"
#include "persistence/status.hpp"

namespace onset::fleet {

struct core_options {
  /// Keeps idempotency records (per stream: the applied seq and the digest
  /// of each applied instruction). False: a state-only endpoint, which
  /// applies whatever it is sent and answers only applied, refused and
  /// retry_later.
  bool idempotent = true;
  /// Printers every instruction about is refused (a fault for tests); a
  /// `skip` still passes, so that the stream goes on.
  std::set<device_id> refused;
};

class endpoint_core {
public:
  /// REQUIRES: `env` outlives this object.
  endpoint_core(persistence::environment& env, catalog cat, core_options opts);

  /// Marks the data directory and adds the printers of `xs` it does not
  /// manage yet (a printer it has keeps its state). Returns how many were
  /// added. Refuses a directory that holds data but is not onset-fleet's.
  persistence::result<size_t>
  register_printers(const std::vector<device_record>& xs);

  /// Applies `xs` in order, in one write transaction (shared with the
  /// applies of other threads waiting meanwhile) committed before this
  /// returns; one result per instruction. An instruction whose deadline
  /// (`not_after_ms`) has passed when its turn comes in that transaction
  /// is `retry_later` (`deadline_passed`), with nothing performed.
  persistence::result<std::vector<endpoint::apply_result>>
  apply(const std::vector<endpoint::apply_item>& xs);

  /// The state of each target, in order.
  persistence::result<std::vector<endpoint::target_state>>
  read(const std::vector<endpoint::target_ref>& xs);

  endpoint::health health() const;

private:
  /// One apply waiting for its group's commit.
  struct pending_apply {
    const std::vector<endpoint::apply_item>* items;
    persistence::result<std::vector<endpoint::apply_result>> results;
    bool done = false;
  };

  /// Applies every apply of `group` in one transaction; if that fails
  /// (not for a full map, which it handles), each apply again on its own,
  /// so that one apply's storage failure is not another's.
  void commit_group(const std::vector<pending_apply*>& group);
  /// Applies `group` in one transaction, growing the map when it fills.
  persistence::status commit_together(const std::vector<pending_apply*>& group);
  persistence::result<std::vector<endpoint::apply_result>>
  apply_in(persistence::write_txn& txn,
           const std::vector<endpoint::apply_item>& xs);
  persistence::result<endpoint::apply_result>
  apply_one(persistence::write_txn& txn, const endpoint::apply_item& item);
  /// `retry_later` if the request's deadline has passed (docs/endpoints.md,
  /// "Deadlines"): checked in the transaction that would perform `item`,
  /// right before it, so that a request held anywhere before is caught.
  std::optional<endpoint::apply_result>
  past_deadline(const endpoint::apply_item& item) const;
  /// Whether `x` is already settled by the stream's record: an
  /// already_applied, conflict or out_of_order result, or nullopt when `x`
  /// is the next seq.
  persistence::result<std::optional<endpoint::apply_result>>
  check_key(persistence::write_txn& txn, const endpoint::apply_item& item);
  /// Performs the effect of `x`; an empty text when done, else why refused.
  persistence::result<std::string> perform(persistence::write_txn& txn,
                                           const instruction& x);
  persistence::result<std::string> perform_device(persistence::write_txn& txn,
                                                  const instruction& x);
  persistence::result<std::string> perform_service(persistence::write_txn& txn,
                                                   const instruction& x);
  persistence::status record(persistence::write_txn& txn,
                             const endpoint::apply_item& item,
                             log_entry::type what);
  persistence::result<endpoint::target_state>
  state_of(persistence::transaction& txn, const endpoint::target_ref& ref);

  persistence::environment& env_;
  catalog catalog_;
  actors::printer_rules rules_;
  core_options options_;

  std::mutex group_mtx_;
  std::condition_variable group_committed_;
  /// Applies waiting for the next group.
  std::vector<pending_apply*> waiting_;
  /// Whether a thread is applying a group now.
  bool committing_ = false;
};

} // namespace onset::fleet
