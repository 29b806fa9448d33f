// Sending of the CONTRACT actor: a step goes out only with a permit of the
// node's step budget (waiting for one in order), is resent with capped
// exponential backoff (actors/backoff.hpp) until its target acknowledges,
// and degrades the contract if the target refuses it or it runs past the
// step deadline.
#pragma once

#include <cstdint>
#include <vector>

#include "actors/contract_actor.hpp"
#include "actors/step_budget.hpp"

namespace onset::actors::contract_ops {

/// Sends `x` as soon as the node's step budget allows: at once if a permit
/// is free and no other step of this contract waits for one; else it
/// waits (once) behind them, and its request timeout starts only when it
/// is actually sent.
void send(contract_self self, const instruction& x);

void send_all(contract_self self, const std::vector<instruction>& xs);

/// The budget handed this actor a permit: sends its first waiting step,
/// then more while permits are free at once, and queues again (behind the
/// other waiting contracts) for the rest.
void on_permit(contract_self self);

/// The backoff timer of one step fired: sends it again if still pending.
void on_resend(contract_self self, const stream_id& stream, uint64_t seq);

/// Whether pending `x` is sent again at a restart or a peer back:
/// a `skip` always, whatever the state, since it only delivers an
/// abandonment already decided and nothing else moves its target past the
/// seq; any other step while the contract runs and its printer is not left
/// behind.
bool to_resend(const contract_actor_state& st, const instruction& x);

/// A peer came back: sends every pending step again at once (to_resend).
void resend_all(contract_self self);

/// Ties the actor's permits to its life: whatever it holds when it exits
/// (ended, crashed, killed) goes back to the budget.
void return_permits_at_exit(contract_self self);

} // namespace onset::actors::contract_ops
