// The lifecycle of the CONTRACT actor (the diagram in
// actors/contract_actor.hpp): what each event does to the record, the plan
// and the history, as one `contract_change` that the handler commits.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/result.hpp>

#include "actors/contract_actor.hpp"

namespace onset::actors::contract_ops {

bool is_running(contract_state x);

/// `target=device/MFP-1 kind=firmware seq=2 device=MFP-1`: a step in a
/// history line.
std::string describe(const instruction& x);

/// Adds the history line of step `x` (`sent` or `acked`) to `change`, and its
/// debug event (`step.sent`, `step.acked`) to the pending events.
void note_step(contract_self self, contract_change& change, history_kind kind,
               const instruction& x);

/// Plans the next step of every printer that has none in flight, up to the
/// cap; moves a contract with nothing pending and nothing left to its
/// resting state (`active` or `ended`).
void plan_into(contract_self self, contract_change& change);

/// Marks the whole contract degraded for `reason` (a stream in doubt: a
/// conflict, an ack of what was never sent) and commits that.
void degrade(contract_self self, const std::string& reason);

/// Leaves `device` behind for `reason` (its step refused or past its
/// deadline) and commits that: the contract's other printers go on; once
/// they are done, the contract is `degraded`, naming the printers left
/// behind. A retry or renewal resumes them.
void degrade_device(contract_self self, const device_id& device,
                    const std::string& reason);

/// Gives up step `x`, which its target refused for `why`: a `skip` of the
/// same seq takes its place in the outbox and is sent once committed, so
/// that the stream goes on; the history says `abandoned`. The ledger is
/// untouched (the step was never applied), so a retry or renewal plans it
/// again and deprovisioning undoes only what was applied. Provisioning, the
/// printer is degraded (the others go on); deprovisioning, it goes on.
void abandon(contract_self self, const instruction& x, const std::string& why);

/// Loads the contract and resumes it; false (and the actor quits) if it
/// cannot be loaded or has ended.
bool recover(contract_self self);

// The changes asked for from outside: each names its requester `by` in
// the history lines it writes.

/// A new version of the contract: the renewal path (claim 7). Plans only
/// what changed; a degraded contract is reset and resumes.
caf::result<submit_result> renew(contract_self self, contract& doc,
                                 std::vector<device_record>& records,
                                 requester by);

/// The start event (claim 2): starts provisioning now.
caf::result<atom::ok> start_now(contract_self self, const std::string& event_id,
                                requester by);

/// Cancels the contract: it deprovisions what it applied.
caf::result<atom::ok> cancel(contract_self self, requester by);

/// An operator's retry of a degraded contract, or of the degraded printers
/// of a running one: the reset path; resumes only what is degraded.
caf::result<atom::ok> retry(contract_self self, requester by);

/// A start or end date of the contract came due.
void on_due(contract_self self, timer_kind kind);

} // namespace onset::actors::contract_ops
