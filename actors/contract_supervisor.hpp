// The CONTRACT SUPERVISOR: the one door to a node's contracts.
//
// - validates a submitted contract again (wire input is not trusted), checks
//   tenancy against the registered printers, deduplicates by event id, and
//   writes a new contract durably before it answers; renewals go to the
//   contract's CONTRACT actor;
// - spawns a CONTRACT actor per contract (at start: every contract not
//   `ended`), restarts a crashed one from the store, and past
//   `restart_limit` crashes within `restart_window` stops restarting it and
//   marks it `degraded` (an operator's `retry` starts it again);
// - fires due start and end dates from the timer store;
// - answers status, history and plan queries from the store.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>

#include <caf/actor_clock.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/contract_context.hpp"
#include "actors/protocol.hpp"

namespace onset::actors {

struct contract_supervisor_state {
  static inline const char* name = "contract-supervisor";

  std::shared_ptr<const contract_context> ctx;
  device_supervisor_actor registry;
  /// Shared with the supervisor's exit hook, which stops them (the state may
  /// be gone by then).
  std::shared_ptr<std::map<contract_id, contract_actor>> running
    = std::make_shared<std::map<contract_id, contract_actor>>();
  std::map<caf::actor_addr, contract_id> by_address;
  /// Ended resyncs running (actors/ended_resync.hpp): at most one per
  /// contract, however often peers come back meanwhile.
  std::map<caf::actor_addr, contract_id> resyncs;
  std::set<contract_id> resyncing;
  std::map<contract_id, std::deque<caf::actor_clock::time_point>> crashes;
  /// Contracts whose last actor died with an error: the next one waits for
  /// the STORE to drain before it reads (contract_behavior, after_crash).
  std::set<contract_id> crashed;
  /// New contracts between validation and their durable write.
  std::set<contract_id> creating;
  /// Event ids of submissions not yet committed.
  std::set<std::string> events_in_flight;
  /// Printers named by submissions between the read of their records and
  /// their durable write (or refusal), with how many such submissions
  /// name each: a change of a printer's record waits for none
  /// (actors/device_changes.hpp).
  std::shared_ptr<std::map<device_id, size_t>> devices_in_flight
    = std::make_shared<std::map<device_id, size_t>>();
  uint64_t timer_generation = 0;
  /// A prune of the event feed is under way (one batch at a time).
  bool pruning = false;
  /// When the next prune of the event feed is due (the supervisor's start:
  /// at once).
  caf::actor_clock::time_point next_prune{};
};

/// `registry` is the DEVICE SUPERVISOR (for registration records);
/// `ctx->devices` routes instructions. Stops its CONTRACT actors when it
/// terminates.
contract_supervisor_actor::behavior_type contract_supervisor_behavior(
  contract_supervisor_actor::stateful_pointer<contract_supervisor_state> self,
  std::shared_ptr<const contract_context> ctx,
  device_supervisor_actor registry);

} // namespace onset::actors
