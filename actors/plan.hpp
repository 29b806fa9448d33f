// The plan (claims 1, 3, 5, 6 and 7 of the source patent): from what a
// contract wants (its desired state) and what it knows is applied (its
// ledger), the next step for each printer.
//
// Per printer, strictly in this order, each step acknowledged before the
// next is planned:
//
//   removal of what is no longer wanted:
//     service_deactivate (per service, id order) -> settings_revert
//       -> apps_remove
//   provisioning of what is wanted:
//     service_prepare (per service with server-side settings, id order)
//       -> firmware (only below the minimum) -> apps_install (only missing)
//       -> settings_apply (only changed) -> service_activate (per service)
//
// A renewal plans against the same ledger, so only the difference is sent
// (claim 7), and a renewal that changes nothing plans nothing. Ending a
// contract plans against an empty desired state: everything is removed in
// reverse order. Pure functions; no CAF.
#pragma once

#include <optional>
#include <vector>

#include "messages/applied_ledger.hpp"
#include "messages/catalog.hpp"
#include "messages/contract_record.hpp"
#include "messages/desired_state.hpp"
#include "messages/instruction.hpp"

namespace onset::actors {

/// The printers a plan covers: those wanted and those in the ledger (a
/// printer dropped by a renewal is deprovisioned), in id order.
std::vector<device_id> planned_devices(const desired_state& want,
                                       const applied_ledger& ledger);

/// The next step that brings `device` and its services closer to `want`,
/// or nullopt when nothing is left to do. The result has `seq` 0 and
/// `stream.contract` / `contract_version` set from the arguments.
std::optional<instruction> next_step(const contract_id& contract,
                                     uint64_t version, const device_id& device,
                                     const desired_state& want,
                                     const applied_ledger& ledger);

/// Records in `ledger` the effect of an acknowledged instruction.
void record_applied(applied_ledger& ledger, const instruction& x);

/// Every step still to be sent, per printer in order, as `onset plan` shows
/// it: repeats next_step / record_applied on a copy of `ledger`.
std::vector<instruction>
remaining_steps(const contract_id& contract, uint64_t version,
                const desired_state& want, const applied_ledger& ledger);

/// What a stored contract wants now: nothing once it is ending, else its
/// document's desired state, with each printer as its ledger knows it.
/// Refuses, naming `services.S`, a document naming a service that is no
/// longer in `cat`: never an empty desired state in its place, which would
/// deprovision everything.
/// REQUIRES: the ledger has an entry for every printer of the document (the
/// supervisor adds it from the registration record when it accepts them).
outcome<desired_state> desired_for(const contract_record& rec,
                                   const catalog& cat);

/// A ledger for printers the contract has not touched yet: firmware and
/// applications as registered.
device_ledger initial_ledger(const device_record& x);

} // namespace onset::actors
