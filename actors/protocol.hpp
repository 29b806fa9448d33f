// Every actor interface of Onset, in one place. Roles in CAPITALS:
//
//   GATEWAY -> CONTRACT SUPERVISOR -> CONTRACT (one per contract)
//   CONTRACT -> DEVICE SUPERVISOR -> DEVICE (one per printer)
//   CONTRACT -> SERVICE SUPERVISOR -> SERVICE (lanes of each catalog service)
//   everyone who writes -> STORE (persistence/store_actor.hpp)
//
// In a cluster (docs/cluster.md) ROUTERs with the supervisors' interfaces
// stand in for them, and each node publishes a NODE DIRECTORY:
//
//   GATEWAY -> CONTRACT ROUTER -> CONTRACT SUPERVISOR of the contract's node
//   CONTRACT -> DEVICE ROUTER -> DEVICE SUPERVISOR of the printer's node
//   CONTRACT -> SERVICE ROUTER -> SERVICE SUPERVISOR of the service's node
//   PEER LINK (one per remote node) -> its NODE DIRECTORY, then the ROUTERs
//
// Supervisors route by id, so a CONTRACT addresses a printer or a service by
// its logical name and never holds a handle that a restart would invalidate.
// Every request across actors carries a timeout.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/replies_to.hpp>
#include <caf/type_id.hpp>
#include <caf/typed_actor.hpp>

#include "messages/type_ids.hpp"

namespace onset::actors {

/// DEVICE: the setting distribution side for one printer. Also the routing
/// interface of the DEVICE SUPERVISOR, which delegates each message to the
/// DEVICE actor of the printer named in it.
using device_actor = caf::typed_actor<
  // Applies the instruction if it is the next of its stream and replies,
  // once effect and watermark are committed, with the stream's applied
  // watermark. A duplicate (seq at or below the watermark) is re-acked at
  // once without applying; a seq beyond the next one is answered with the
  // current watermark (the sender resends the gap). Held, unanswered, while
  // the printer is offline. Errors: `refused` (a precondition failed, with
  // the reason), `transient` (an injected or passing failure: resend),
  // `unknown_device`.
  caf::replies_to<atom::apply, instruction>::with<instruction_ack>,
  // The printer's state and its streams' applied watermarks.
  caf::replies_to<atom::get, device_id>::with<device_view>,
  // Switches a simulated printer on or off line; on line again, held
  // instructions are applied in order at once.
  caf::replies_to<atom::online, device_id, bool>::with<atom::ok>>;

/// STEP SINK: where the answers of a step batch go (a ROUTER that sent it).
using step_sink_actor = caf::typed_actor<
  // Answers to steps of batches this actor sent, each naming its token; an
  // answer to a token it no longer waits for (expired) is dropped.
  caf::reacts_to<atom::answered, std::vector<step_answer>>>;

/// A STEP BATCH: the steps of several CONTRACTs for one node, in the order
/// they were asked for; step i has token `first_token + i`. The receiver
/// applies them one by one, exactly as it would single `apply` messages
/// (same order, same delivery contract), and sends each answer to `sink` as
/// soon as it has it, several at once when they come together: a step held
/// back (an offline printer) holds back no other. A step still unanswered
/// after the receiver's request timeout gets no answer (the sender expires
/// it). Supervisors and ROUTERs accept batches (actors/batch_collector.hpp).
using step_batch_receiver
  = caf::typed_actor<caf::reacts_to<atom::apply, std::vector<instruction>,
                                    uint64_t, step_sink_actor>>;

/// DEVICE SUPERVISOR: owns the device store, spawns DEVICE actors on demand,
/// restarts a crashed one, and keeps the registry of printers.
using device_supervisor_actor
  = device_actor::extend_with<step_batch_receiver>::extend<
    // Registers printers. Re-registering an identical record is a no-op; a
    // record that differs from the registered one is refused (`invalid_input`,
    // naming the device). All or nothing.
    caf::replies_to<atom::enroll, std::vector<device_record>>::with<atom::ok>,
    // The registration records of these printers; unknown ids are left out.
    caf::replies_to<atom::records,
                    std::vector<device_id>>::with<std::vector<device_record>>,
    // Every registered printer, ordered by id.
    caf::replies_to<atom::list>::with<std::vector<device_record>>,
    // Holds the printer for a change of its record (docs/api.md, "Updating
    // and decommissioning a printer") under the caller's token: until
    // released, changed, removed or `change_hold` has passed, `records`
    // refuses it (`wrong_state`), so no new contract or renewal can take it
    // in. Answers its record. Errors: `unknown_device`, `wrong_state` (held
    // already).
    caf::replies_to<atom::hold, device_id, uint64_t>::with<device_record>,
    // Ends the hold with this token, changing nothing.
    caf::reacts_to<atom::release, device_id, uint64_t>,
    // Replaces the printer's registration (same id) under the hold with this
    // token, then ends the hold; what the printer has applied is kept. Its
    // DEVICE actor is stopped (the next message starts it with the new
    // record). Errors: `wrong_state` (no such hold: released or expired),
    // `invalid_input`.
    caf::replies_to<atom::update, device_id, uint64_t,
                    device_record>::with<atom::ok>,
    // Decommissions the printer under the hold with this token: its record
    // is removed and its DEVICE actor stopped; its streams' watermarks stay
    // (an old contract's resend is never applied to a printer registered
    // again under the same id). Errors: as `update`.
    caf::replies_to<atom::remove, device_id, uint64_t>::with<atom::ok>>;

/// DEVICE as the DEVICE SUPERVISOR spawns it: the DEVICE interface plus the
/// messages it sends itself. Only the supervisor holds such handles.
using device_worker_actor = device_actor::extend<
  // INTERNAL: the driver's latency for operation `op` (the apply in flight)
  // has passed, or, delivering to an endpoint, its answer to call `op` is
  // waiting (actors/endpoint_link.hpp); a stale `op` is ignored.
  caf::reacts_to<atom::done, uint64_t>>;

/// SERVICE: the smart-service server side of one catalog service. Also the
/// routing interface of the SERVICE SUPERVISOR (routes by the service named
/// in the instruction's target, or in the query).
using service_actor = caf::typed_actor<
  // Same delivery contract as DEVICE's apply: prepare registers the printer
  // and applies its server-side settings, activate / deactivate switch it.
  caf::replies_to<atom::apply, instruction>::with<instruction_ack>,
  // One printer's state at one service.
  caf::replies_to<atom::get, service_id, device_id>::with<service_view>>;

/// A SERVICE actor itself.
using service_worker_actor = service_actor::extend<
  // INTERNAL: an endpoint's answer to call `n` is waiting
  // (actors/endpoint_link.hpp).
  caf::reacts_to<atom::done, uint64_t>>;

using service_supervisor_actor
  = service_actor::extend_with<step_batch_receiver>;

/// CONTRACT: one per contract; runs its lifecycle (messages/contract_state.hpp)
/// and its instruction streams. Every handler replies only once what it
/// changed is committed.
using contract_actor = caf::typed_actor<
  // A renewal: a higher version of this contract, already validated by the
  // supervisor; the records are those of its printers (for printers new to
  // the contract). Errors: `stale_version`, `wrong_state` (ending).
  // The requester of this and the following changes is recorded in the
  // history (messages/requester.hpp).
  caf::replies_to<atom::submit, contract, std::vector<device_record>,
                  requester>::with<submit_result>,
  // External "period started" (claim 2), with the event id (may be empty).
  caf::replies_to<atom::start, std::string, requester>::with<atom::ok>,
  // Cancels: deprovisions in reverse order, then `ended`.
  caf::replies_to<atom::cancel, requester>::with<atom::ok>,
  // Resumes a `degraded` contract.
  caf::replies_to<atom::retry, requester>::with<atom::ok>,
  // The start or end date has come (from the supervisor's due timers).
  caf::reacts_to<atom::due, timer_kind>,
  // INTERNAL: resend the instruction of this stream and seq if still unacked.
  caf::reacts_to<atom::resend, stream_id, uint64_t>,
  // INTERNAL (from the CONTRACT SUPERVISOR): a peer node is back; resend
  // every pending instruction now instead of at its next backoff.
  caf::reacts_to<atom::resend>,
  // INTERNAL (from the node's step budget): a permit to send one step has
  // been handed to this actor (actors/step_budget.hpp).
  caf::reacts_to<atom::permit>>;

/// CONTRACT SUPERVISOR: owns the contract store, validates and routes
/// contract events, spawns CONTRACT actors (at start: every contract not
/// `ended`), restarts crashed ones within a limit, fires due dates, and
/// answers queries from the store.
using contract_supervisor_actor = caf::typed_actor<
  // A new contract or a renewal. Errors: `invalid_input`, `stale_version`,
  // `unknown_device`, `foreign_device`, `wrong_state`.
  // The requester is recorded in the contract's history.
  caf::replies_to<atom::submit, contract, requester>::with<submit_result>,
  // External start event (claim 2); a known event id changes nothing.
  caf::replies_to<atom::start, contract_id, std::string,
                  requester>::with<atom::ok>,
  caf::replies_to<atom::cancel, contract_id, requester>::with<atom::ok>,
  caf::replies_to<atom::retry, contract_id, requester>::with<atom::ok>,
  // `onset status ID`: the contract, its state and every step.
  caf::replies_to<atom::get, contract_id>::with<contract_view>,
  // `onset status`: every contract.
  caf::replies_to<atom::list>::with<std::vector<contract_summary>>,
  // Every contract naming this printer, in any state.
  caf::replies_to<atom::list, device_id>::with<std::vector<contract_summary>>,
  // The contracts that hold this printer: those naming it that are not
  // `ended`. Errors: `wrong_state` while a submission naming it is between
  // reading its record and its durable write (the caller retries).
  caf::replies_to<atom::holders,
                  device_id>::with<std::vector<contract_summary>>,
  caf::replies_to<atom::history, contract_id>::with<std::vector<history_entry>>,
  // The event feed (messages/contract_event.hpp): per contracts node, at
  // most `limit` events after the cursor's position for that node (0 for a
  // node it does not name). A node that cannot be reached fails the read
  // (`unreachable`).
  caf::replies_to<atom::feed, std::vector<event_page>,
                  uint64_t>::with<std::vector<event_page>>,
  // `onset plan ID`: the steps that would be sent now against the ledger.
  caf::replies_to<atom::plan, contract_id>::with<std::vector<instruction>>,
  // `onset plan ID --catalog FILE`: the steps the contract would send after
  // a restart with the catalog in this JSON text (docs/catalog.md), which
  // is checked as the node checks its own; nothing is changed. Errors:
  // `invalid_input` naming the catalog's field, `unknown_service` (the
  // contract names a service the catalog lacks), `unknown_contract`.
  caf::replies_to<atom::plan, contract_id,
                  std::string>::with<std::vector<instruction>>,
  // INTERNAL: check due dates (carries the timer generation).
  caf::reacts_to<atom::tick, uint64_t>,
  // INTERNAL (from a PEER LINK): a node this one sends to is reachable
  // again; every CONTRACT actor resends its pending instructions now.
  caf::reacts_to<atom::resend>>;

/// The answer of one node to `onset cluster` (a NODE DIRECTORY answers for
/// its own node, a PEER LINK for the node it connects to).
using node_status_actor
  = caf::typed_actor<caf::replies_to<atom::status>::with<node_status>>;

/// CLUSTER VIEW: every node of the cluster file, in file order, reachable or
/// not. Asks each node with a timeout; answers once all answered.
using cluster_view_actor = caf::typed_actor<
  caf::replies_to<atom::list, atom::nodes>::with<std::vector<node_status>>>;

/// GATEWAY: the one entry point for operators and contract systems,
/// published on a TCP port. It validates, routes to the supervisors, and
/// replies only once what it was asked to change is durably recorded.
/// Callers always use a timeout.
using gateway_actor = caf::typed_actor<
  // Registers printers, all or nothing. Errors: `invalid_input`.
  caf::replies_to<atom::enroll, std::vector<device_record>>::with<atom::ok>,
  // Every registered printer, by id.
  caf::replies_to<atom::list, atom::devices>::with<std::vector<device_record>>,
  caf::replies_to<atom::get, device_id>::with<device_view>,
  // Switches a simulated printer on or off line.
  caf::replies_to<atom::online, device_id, bool>::with<atom::ok>,
  // Changes a printer's registration from `before` to `after` (same id;
  // model and customer may change, firmware and apps may not), or
  // decommissions it (`remove`). Refused (`wrong_state`) while a contract
  // that is not `ended` names the printer (the message names them), while
  // a submission naming it is in flight, or when the registration is no
  // longer `before` (changed meanwhile). Errors also: `unknown_device`,
  // `invalid_input`, `unreachable`.
  caf::replies_to<atom::update, device_record, device_record,
                  requester>::with<atom::ok>,
  caf::replies_to<atom::remove, device_record, requester>::with<atom::ok>,
  // New contracts and renewals, in order. Every document is checked (rules
  // and tenancy) before the first is submitted; a refusal names the
  // document's index. Errors: as the CONTRACT SUPERVISOR's submit.
  // The requester is recorded in the history of every contract changed.
  caf::replies_to<atom::submit, std::vector<contract>,
                  requester>::with<std::vector<submit_result>>,
  caf::replies_to<atom::start, contract_id, std::string,
                  requester>::with<atom::ok>,
  caf::replies_to<atom::cancel, contract_id, requester>::with<atom::ok>,
  caf::replies_to<atom::retry, contract_id, requester>::with<atom::ok>,
  caf::replies_to<atom::get, contract_id>::with<contract_view>,
  caf::replies_to<atom::list,
                  atom::contracts>::with<std::vector<contract_summary>>,
  // Every contract naming this printer.
  caf::replies_to<atom::list, atom::contracts,
                  device_id>::with<std::vector<contract_summary>>,
  caf::replies_to<atom::history, contract_id>::with<std::vector<history_entry>>,
  // As the CONTRACT SUPERVISOR's.
  caf::replies_to<atom::feed, std::vector<event_page>,
                  uint64_t>::with<std::vector<event_page>>,
  caf::replies_to<atom::plan, contract_id>::with<std::vector<instruction>>,
  // As the CONTRACT SUPERVISOR's, with the catalog's JSON text; a text
  // above `max_catalog_text` bytes is refused (`invalid_input`).
  caf::replies_to<atom::plan, contract_id,
                  std::string>::with<std::vector<instruction>>,
  caf::replies_to<atom::get, service_id, device_id>::with<service_view>,
  // `onset cluster`: every node, its roles, reachable or not, its counts.
  caf::replies_to<atom::list, atom::nodes>::with<std::vector<node_status>>>;

/// NODE DIRECTORY: one per node, published on the node's cluster address.
/// Peers fetch the node's supervisors from it (a restarted node is a new
/// CAF node: its actors are found again through it), and the CLUSTER VIEW
/// its status (with how many of its PEER LINKs are up). A supervisor of a
/// role the node does not hold is refused (`wrong_state`).
using node_directory_actor = node_status_actor::extend<
  // The wire versions: the asker's in, the node's out (the first question
  // of every PEER LINK; never changes, so that any two versions can tell
  // each other theirs).
  caf::replies_to<atom::version, uint32_t>::with<uint32_t>,
  caf::replies_to<atom::get, atom::devices>::with<device_supervisor_actor>,
  caf::replies_to<atom::get, atom::contracts>::with<contract_supervisor_actor>,
  caf::replies_to<atom::get, atom::services>::with<service_supervisor_actor>>;

/// PEER LINK: one per remote node a node needs. Connects through the
/// middleman actor, fetches the node's supervisors from its NODE DIRECTORY,
/// monitors them, tells the ROUTERs (`atom::peer`) when they change, and
/// reconnects with capped backoff after a `down_msg`. Answers `status` for
/// its node (unreachable at once while down).
using peer_link_actor = node_status_actor::extend<
  // Why the link is not up now: empty when it is, else `unreachable` or
  // the peer's refusal (asked by the local NODE DIRECTORY and /readyz).
  caf::replies_to<atom::peer>::with<std::string>,
  // INTERNAL: connect now (carries the retry generation; stale ones are
  // ignored).
  caf::reacts_to<atom::tick, uint64_t>>;

/// DEVICE ROUTER: the DEVICE SUPERVISOR's interface for a whole cluster.
/// Routes by printer to the node its id hashes to (config/placement.hpp);
/// splits enroll and records by node (enroll checks every node before it
/// writes any); list merges every node's answer. A request for a node that
/// is unreachable fails at once with `unreachable`.
///
/// A step for a remote node joins that node's next STEP BATCH instead of
/// crossing the wire alone (nodes/cluster/step_batcher.hpp).
using device_router_actor
  = device_supervisor_actor::extend_with<step_sink_actor>::extend<
    // INTERNAL (from a PEER LINK): node NAME's DEVICE SUPERVISOR is now this
    // handle; an invalid handle means unreachable.
    caf::reacts_to<atom::peer, std::string, device_supervisor_actor>,
    // INTERNAL: send the steps queued for owner I as one batch.
    caf::reacts_to<atom::flush, uint64_t>,
    // INTERNAL: expire steps unanswered for too long (carries a generation).
    caf::reacts_to<atom::tick, uint64_t>>;

/// CONTRACT ROUTER: the CONTRACT SUPERVISOR's interface for a whole cluster;
/// routes by contract id, list merges every node's answer, `resend` goes to
/// every reachable node.
using contract_router_actor = contract_supervisor_actor::extend<
  caf::reacts_to<atom::peer, std::string, contract_supervisor_actor>>;

/// SERVICE ROUTER: the SERVICE SUPERVISOR's interface for a whole cluster;
/// routes by service id.
/// Steps for a remote node go in STEP BATCHes, as the DEVICE ROUTER's do.
using service_router_actor
  = service_supervisor_actor::extend_with<step_sink_actor>::extend<
    caf::reacts_to<atom::peer, std::string, service_supervisor_actor>,
    caf::reacts_to<atom::flush, uint64_t>,
    caf::reacts_to<atom::tick, uint64_t>>;

} // namespace onset::actors

// Actor handles that cross the wire (the NODE DIRECTORY's answers),
// registered after the `onset` block by `add_onset_types`
// (actors/onset_types.hpp).
CAF_BEGIN_TYPE_ID_BLOCK(onset_actors, caf::id_block::onset::end)

CAF_ADD_TYPE_ID(onset_actors, (onset::actors::device_supervisor_actor))
CAF_ADD_TYPE_ID(onset_actors, (onset::actors::contract_supervisor_actor))
CAF_ADD_TYPE_ID(onset_actors, (onset::actors::service_supervisor_actor))
CAF_ADD_TYPE_ID(onset_actors, (onset::actors::step_sink_actor))

CAF_END_TYPE_ID_BLOCK(onset_actors)
