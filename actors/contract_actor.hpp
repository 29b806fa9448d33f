// The CONTRACT actor: one per contract. It runs the lifecycle of
// messages/contract_state.hpp:
//
//   scheduled --start date | start event--> provisioning --all acked--> active
//   active --renewal--> provisioning (the delta only, claim 7)
//   provisioning/deprovisioning --refusal | step past deadline--> degraded
//   degraded --retry--> provisioning | deprovisioning
//   any --end date | cancel--> deprovisioning --all acked--> ended
//   ended --renewal--> scheduled (written by the supervisor: no actor runs)
//
// For each printer it plans one step at a time (actors/plan.hpp), writes it
// to the outbox before sending it, resends it with capped exponential backoff
// until the target acknowledges, records the ack and the ledger durably, and
// plans the next. It keeps every transition, send and ack in the contract's
// history. It resumes from the stores after a crash or restart.
//
// Its parts: the lifecycle (actors/contract_lifecycle.hpp), sending with
// permits and backoff (actors/contract_sending.hpp) and commit coalescing
// (actors/contract_commit.hpp); this file's behaviour only dispatches.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/contract_change.hpp"
#include "actors/contract_context.hpp"
#include "actors/contract_streams.hpp"
#include "actors/protocol.hpp"
#include "messages/contract_record.hpp"
#include "messages/desired_state.hpp"
#include "messages/log.hpp"

namespace onset::actors {

/// Resend bookkeeping of one pending instruction.
struct send_attempts {
  /// Requests sent.
  unsigned count = 0;
  /// When the step was first handed to `send`, permit wait included (the
  /// latency the step saw); `first_sent` is set.
  bool started = false;
  caf::actor_clock::time_point first_sent;
  /// A backoff resend is scheduled. At most one is: a failed extra send
  /// (after a peer came back) does not start a second chain of resends.
  bool resend_armed = false;
};

struct contract_actor_state {
  static inline const char* name = "contract";

  std::shared_ptr<const contract_context> ctx;
  contract_id id;
  /// Every event of this actor carries `contract=ID`.
  log::context logger;
  contract_record rec;
  desired_state want;
  /// Why `want` could not be computed (a service gone from the catalog);
  /// while set, nothing is planned and the contract stays degraded.
  std::string want_problem;
  contract_streams streams;
  std::map<std::pair<stream_id, uint64_t>, send_attempts> attempts;
  /// Changes sent to the STORE and not yet committed (at most one: see
  /// `pending`).
  size_t commits_in_flight = 0;
  /// Steps waiting for a permit of the node's step budget, each at most
  /// once, in the order they were to be sent. Not empty: this actor is in
  /// the budget's queue, or a permit is on its way to it.
  std::deque<std::pair<stream_id, uint64_t>> waiting_sends;
  /// The record as the store has it once the commit in flight is done: what
  /// the next commit writes the delta against.
  contract_record written;
  /// Changes made while a commit is in flight, merged; written as one batch
  /// when it returns. Their callbacks, in order, called after that commit.
  contract_change pending;
  std::vector<std::function<void(const caf::error&)>> pending_done;
  /// Log events of the pending changes (transitions, sends, acks), written
  /// once their commit is done, so that a log line never reports what the
  /// store lacks.
  std::vector<std::function<void()>> pending_events;
  std::minstd_rand rng;
};

namespace contract_ops {

/// The CONTRACT actor as its parts see it.
using contract_self = contract_actor::stateful_pointer<contract_actor_state>;

} // namespace contract_ops

/// REQUIRES: the contract is in the contract store (the supervisor writes it
/// before spawning). Quits normally once `ended`, with an error if its
/// storage fails (the supervisor restarts it from the store). `after_crash`:
/// a predecessor died, and batches of its may still wait in the STORE; the
/// actor reads the store only after they are committed or discarded, and
/// keeps every message until then.
contract_actor::behavior_type
contract_behavior(contract_actor::stateful_pointer<contract_actor_state> self,
                  contract_id id, std::shared_ptr<const contract_context> ctx,
                  bool after_crash = false);

} // namespace onset::actors
