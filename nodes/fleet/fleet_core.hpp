// The endpoint of onset-fleet without HTTP: the rules of docs/endpoints.md
// over the store of nodes/fleet/fleet_store.hpp. The effects and their
// preconditions are the embedded simulator's (actors/simulated_printer.hpp,
// actors/service_steps.hpp), so that Onset behaves the same against either.
//
// Thread-safe: every call runs in its own LMDB transaction; applies are
// serialized by LMDB's one writer.
#pragma once

#include <cstddef>
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

  /// Applies `xs` in order, all in one write transaction committed before
  /// this returns; one result per instruction.
  persistence::result<std::vector<endpoint::apply_result>>
  apply(const std::vector<endpoint::apply_item>& xs);

  /// The state of each target, in order.
  persistence::result<std::vector<endpoint::target_state>>
  read(const std::vector<endpoint::target_ref>& xs);

  endpoint::health health() const;

private:
  persistence::result<std::vector<endpoint::apply_result>>
  apply_in(persistence::write_txn& txn,
           const std::vector<endpoint::apply_item>& xs);
  persistence::result<endpoint::apply_result>
  apply_one(persistence::write_txn& txn, const endpoint::apply_item& item);
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
};

} // namespace onset::fleet
