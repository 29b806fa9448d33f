#include "actors/contract_sending.hpp"

#include <algorithm>
#include <random>
#include <string>
#include <utility>

#include <caf/send.hpp>

#include "actors/backoff.hpp"
#include "actors/contract_commit.hpp"
#include "actors/contract_lifecycle.hpp"
#include "actors/contract_storage.hpp"
#include "actors/plan.hpp"
#include "messages/error_code.hpp"

namespace onset::actors::contract_ops {

namespace {

engine_config::duration backoff(contract_self self, unsigned attempt) {
  auto& cfg = self->state.ctx->config;
  std::uniform_real_distribution<double> jitter{0.5, 1.5};
  return jittered(capped_backoff(cfg.resend_base, cfg.resend_cap, attempt),
                  jitter(self->state.rng));
}

/// A step past its deadline: its detail for the history.
std::string overdue(const instruction& x, caf::timespan waited,
                    const std::string& what) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(waited);
  return describe(x) + " not acknowledged within "
         + std::to_string(seconds.count()) + "s: " + what;
}

void on_send_error(contract_self self, const stream_id& stream, uint64_t seq,
                   const caf::error& err) {
  auto& st = self->state;
  auto* x = st.streams.pending(stream, seq);
  auto at = st.attempts.find({stream, seq});
  // No attempt: an answer to a request sent before a reset (retry, renewal,
  // cancel of a degraded contract); the resend after the reset stands in
  // for it, with a clock of its own.
  if (x == nullptr || at == st.attempts.end())
    return;
  auto what = self->system().render(err);
  if (is(err, error_code::conflict)) {
    // Not the target's refusal of the step: the stream itself is in doubt.
    // Nothing is abandoned or resent until an operator looks.
    st.logger.error("step.conflict",
                    {{"target", x->stream.to_string()}, {"seq", x->seq}});
    degrade(self, describe(*x) + " conflict: " + what);
    return;
  }
  if (is_permanent_refusal(err)) {
    count_step(*st.ctx, metrics::step_event::refused, *x);
    abandon(self, *x, what);
    return;
  }
  auto& attempt = at->second;
  auto waited = self->clock().now() - attempt.first_sent;
  if (waited >= st.ctx->config.step_deadline) {
    degrade_device(self, x->device, overdue(*x, waited, what));
    return;
  }
  if (attempt.resend_armed)
    return;
  attempt.resend_armed = true;
  auto delay = backoff(self, attempt.count);
  if (log::enabled(log::level::debug))
    st.logger.debug("step.retry", {{"target", x->stream.to.to_string()},
                                   {"kind", to_string(x->kind)},
                                   {"seq", x->seq},
                                   {"device", x->device.str()},
                                   {"attempt", attempt.count},
                                   {"error", what}});
  self->delayed_send(self, delay, atom::resend_v, stream, seq);
}

void on_ack(contract_self self, uint64_t requested, const instruction_ack& ack);

/// Sends `x`, acknowledged before, once more, marked so
/// (`instruction::acked_before`): no permit, no resend of its own (if it is
/// lost, the pending step's resend meets the gap again).
void transmit_again(contract_self self, instruction x) {
  auto& st = self->state;
  x.acked_before = true;
  auto ok = [self, requested = x.seq](const instruction_ack& ack) {
    on_ack(self, requested, ack);
  };
  auto lost = [](caf::error&) {};
  auto timeout = st.ctx->config.request_timeout;
  if (x.stream.to.kind == target_kind::device)
    self->request(st.ctx->devices, timeout, atom::apply_v, x).then(ok, lost);
  else
    self->request(st.ctx->services, timeout, atom::apply_v, x).then(ok, lost);
}

/// The target of `stream` is behind what it acknowledged before (a store
/// restored from a backup, or writes lost with a relaxed sync mode): sends
/// it again, in order, what it lost, from the outbox, which keeps
/// instructions after their ack, each marked as acknowledged before (a
/// receiver whose effects live at an endpoint that keeps no records takes
/// them without performing them again). The ledger already has them; their
/// acks change nothing here. Noted in the history.
void resync(contract_self self, const stream_id& stream, uint64_t applied) {
  auto& st = self->state;
  auto acked = st.streams.acked(stream);
  auto lost = contract_storage::sent(*st.ctx->env, stream, applied + 1, acked);
  if (!lost) {
    degrade(self, "target " + stream.to.to_string() + " is at seq "
                    + std::to_string(applied) + ", behind its ack of "
                    + std::to_string(acked)
                    + ", and the outbox cannot be read: "
                    + persistence::to_string(lost.error()));
    return;
  }
  auto detail = "target=" + stream.to.to_string() + " applied="
                + std::to_string(applied) + " acked=" + std::to_string(acked)
                + " resent=" + std::to_string(lost.value().size());
  st.logger.warn("stream.resync", {{"stream", stream.to_string()},
                                   {"applied", applied},
                                   {"acked", acked}});
  contract_change change;
  change.history.push_back(
    history_entry{st.ctx->now(), history_kind::problem, "resync " + detail});
  commit(self, std::move(change));
  for (auto& x : lost.value())
    transmit_again(self, x);
}

void on_ack(contract_self self, uint64_t requested,
            const instruction_ack& ack) {
  auto& st = self->state;
  if (st.streams.beyond_durable(ack.stream, ack.seq)) {
    // The target claims a seq this contract never sent: its store is not
    // the one this outbox talks to (a restore from elsewhere, a forged
    // message). Never record it as applied.
    auto reason = "target " + ack.stream.to.to_string() + " acknowledged seq "
                  + std::to_string(ack.seq) + " of " + ack.stream.to_string()
                  + ", which was never sent";
    st.logger.error("step.ack_beyond_sent",
                    {{"stream", ack.stream.to_string()}, {"seq", ack.seq}});
    degrade(self, reason);
    return;
  }
  // In any state: what the target lost was acknowledged, so the contract
  // wants it applied whether it still provisions or rests.
  if (ack.seq < requested && ack.seq < st.streams.acked(ack.stream))
    resync(self, ack.stream, ack.seq);
  auto acked = st.streams.ack(ack.stream, ack.seq);
  // A watermark below what we sent: the target lacks an earlier step (its
  // message was lost, or overtaken by this one); send the first one it
  // lacks again. The target did not apply `requested` either, and this
  // answer was its only reply: resend it after a backoff like a timeout, or
  // nothing ever would (chaos: two printers' steps on one service stream,
  // the first one delayed).
  if (ack.seq < requested && is_running(st.rec.state)) {
    if (auto* missing = st.streams.pending(ack.stream, ack.seq + 1))
      send(self, *missing);
    on_send_error(
      self, ack.stream, requested,
      caf::make_error(error_code::transient,
                      "gap at the target: applied " + std::to_string(ack.seq)));
  }
  if (acked.empty())
    return;
  contract_change change;
  change.acks.push_back(instruction_ack{ack.stream, acked.back().seq});
  auto now = self->clock().now();
  for (auto& x : acked) {
    record_applied(st.rec.ledger, x);
    count_step(*st.ctx, metrics::step_event::acked, x);
    if (auto i = st.attempts.find({x.stream, x.seq}); i != st.attempts.end()) {
      auto took = now - i->second.first_sent;
      if (st.ctx->latency)
        st.ctx->latency->record(took);
      if (st.ctx->metrics)
        st.ctx->metrics->step_latency(took);
      st.attempts.erase(i);
    }
    note_step(self, change, history_kind::acked, x);
  }
  plan_into(self, change);
  commit(self, std::move(change));
}

/// Starts the step's latency clock at its first `send`, so that the time
/// it waits for a permit counts.
void start_clock(contract_self self, send_attempts& attempt) {
  if (attempt.started)
    return;
  attempt.started = true;
  attempt.first_sent = self->clock().now();
}

/// Gives one permit back to the node's step budget (none without one).
void give_back_permit(contract_self self) {
  if (auto& budget = self->state.ctx->budget)
    budget->release(self->id());
}

/// Sends `x` now. REQUIRES: a permit is held for it (if there is a budget);
/// the end of the request, whatever it is, gives it back.
void transmit(contract_self self, const instruction& x) {
  auto& st = self->state;
  auto& attempt = st.attempts[{x.stream, x.seq}];
  start_clock(self, attempt);
  ++attempt.count;
  count_step(*st.ctx,
             attempt.count == 1 ? metrics::step_event::sent
                                : metrics::step_event::resent,
             x);
  auto requested = x.seq;
  auto ok = [self, requested](const instruction_ack& ack) {
    give_back_permit(self);
    on_ack(self, requested, ack);
  };
  auto fail = [self, stream = x.stream, seq = x.seq,
               kind = x.kind](caf::error& err) {
    give_back_permit(self);
    // The answer to a copy of a step abandoned since (a resend answered
    // after the first refusal) says nothing about the skip in its place.
    auto* now = self->state.streams.pending(stream, seq);
    if (now != nullptr && now->kind != kind)
      return;
    on_send_error(self, stream, seq, err);
  };
  auto timeout = st.ctx->config.request_timeout;
  if (x.stream.to.kind == target_kind::device)
    self->request(st.ctx->devices, timeout, atom::apply_v, x).then(ok, fail);
  else
    self->request(st.ctx->services, timeout, atom::apply_v, x).then(ok, fail);
}

/// What the budget calls when it hands this actor a permit: a message, so
/// that the permit is used on the actor's own thread. Holds no reference:
/// a dead actor gets nothing (`forget` at its exit took the permit back).
step_budget::wake_fn permit_wake(contract_self self) {
  return [addr = self->address()] {
    if (auto hdl = caf::actor_cast<contract_actor>(addr))
      caf::anon_send(hdl, atom::permit_v);
  };
}

/// Spends a permit this actor holds on its first waiting step that still
/// needs sending (pending, contract running); gives the permit back if none
/// does. False if it gave it back.
bool send_first_waiting(contract_self self) {
  auto& st = self->state;
  while (!st.waiting_sends.empty()) {
    auto [stream, seq] = std::move(st.waiting_sends.front());
    st.waiting_sends.pop_front();
    auto* x = st.streams.pending(stream, seq);
    if (x != nullptr
        && (is_running(st.rec.state) || x->kind == step_kind::skip)) {
      transmit(self, *x);
      return true;
    }
  }
  give_back_permit(self);
  return false;
}

} // namespace

void send(contract_self self, const instruction& x) {
  auto& st = self->state;
  start_clock(self, st.attempts[{x.stream, x.seq}]);
  auto& budget = st.ctx->budget;
  if (!budget) {
    transmit(self, x);
    return;
  }
  auto key = std::make_pair(x.stream, x.seq);
  if (st.waiting_sends.empty()) {
    if (budget->acquire_or_wait(self->id(), permit_wake(self))) {
      transmit(self, x);
      return;
    }
    if (log::enabled(log::level::debug))
      st.logger.debug("permit.wait", {{"target", x.stream.to.to_string()},
                                      {"kind", to_string(x.kind)},
                                      {"seq", x.seq},
                                      {"device", x.device.str()}});
  } else if (std::find(st.waiting_sends.begin(), st.waiting_sends.end(), key)
             != st.waiting_sends.end()) {
    return;
  }
  st.waiting_sends.push_back(std::move(key));
}

void send_all(contract_self self, const std::vector<instruction>& xs) {
  for (auto& x : xs)
    send(self, x);
}

void on_permit(contract_self self) {
  auto& st = self->state;
  if (!st.ctx->budget || !send_first_waiting(self))
    return;
  while (!st.waiting_sends.empty()) {
    if (!st.ctx->budget->acquire_or_wait(self->id(), permit_wake(self)))
      return;
    if (!send_first_waiting(self))
      return;
  }
}

void on_resend(contract_self self, const stream_id& stream, uint64_t seq) {
  auto& st = self->state;
  if (auto i = st.attempts.find({stream, seq}); i != st.attempts.end())
    i->second.resend_armed = false;
  auto* x = st.streams.pending(stream, seq);
  if (x != nullptr && (is_running(st.rec.state) || x->kind == step_kind::skip))
    send(self, *x);
}

namespace {

/// Sends the last acknowledged instruction of every stream at rest once
/// more: a receiver that has it answers as for a duplicate; one that went
/// back behind it (a store restored from an older copy) answers with its
/// watermark, and the answer resyncs the stream (on_ack). A stream with
/// steps pending meets such a receiver through them.
void probe_streams_at_rest(contract_self self) {
  auto& st = self->state;
  for (auto& [stream, acked] : st.streams.at_rest()) {
    auto last = contract_storage::sent(*st.ctx->env, stream, acked, acked);
    if (!last || last.value().empty()) {
      st.logger.warn("stream.probe_failed",
                     {{"stream", stream.to_string()}, {"acked", acked}});
      continue;
    }
    transmit_again(self, last.value().back());
  }
}

} // namespace

bool to_resend(const contract_actor_state& st, const instruction& x) {
  if (x.kind == step_kind::skip)
    return true;
  return is_running(st.rec.state)
         && st.rec.degraded_devices.count(x.device) == 0;
}

void resend_all(contract_self self) {
  probe_streams_at_rest(self);
  auto& st = self->state;
  if (st.streams.pending_total() == 0)
    return;
  // The steps of printers left behind wait for a retry; skips go.
  std::vector<instruction> resend;
  for (auto& x : st.streams.all_pending())
    if (to_resend(st, x))
      resend.push_back(x);
  if (resend.empty() && !is_running(st.rec.state))
    return;
  st.logger.info("resend.all",
                 {{"pending", resend.size()}, {"reason", "peer back"}});
  send_all(self, resend);
}

void return_permits_at_exit(contract_self self) {
  auto budget = self->state.ctx->budget;
  if (!budget)
    return;
  self->attach_functor([budget, holder = self->id(),
                        logger = self->state.logger](const caf::error&) {
    if (auto returned = budget->forget(holder); returned > 0)
      logger.info("permits.returned", {{"count", returned}});
  });
}

} // namespace onset::actors::contract_ops
