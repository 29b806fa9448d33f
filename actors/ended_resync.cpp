#include "actors/ended_resync.hpp"

#include <chrono>
#include <functional>
#include <random>
#include <string>

#include <caf/event_based_actor.hpp>

#include "actors/backoff.hpp"
#include "actors/contract_storage.hpp"
#include "messages/error_code.hpp"
#include "messages/log.hpp"

namespace onset::actors {

namespace {

struct ended_resync_state {
  static inline const char* name = "ended-resync";
  std::shared_ptr<const contract_context> ctx;
  contract_id id;
  log::context logger;
  /// Requests of this round not answered yet; the round ends at zero.
  size_t outstanding = 0;
  /// Whether every answer of this round showed a receiver up to its acks.
  bool whole = true;
  unsigned round = 0;
  std::minstd_rand rng;
};

using resync_self = caf::stateful_actor<ended_resync_state>*;

void probe_round(resync_self self);

/// Ends the actor once a round found every stream whole; otherwise starts
/// the next round after a capped backoff.
void round_done(resync_self self) {
  auto& st = self->state;
  if (st.whole) {
    self->quit();
    return;
  }
  auto& cfg = st.ctx->config;
  std::uniform_real_distribution<double> jitter{0.5, 1.5};
  auto delay
    = jittered(capped_backoff(cfg.resend_base, cfg.resend_cap, ++st.round),
               jitter(st.rng));
  st.logger.info(
    "resync.retry",
    {{"round", st.round},
     {"delay_ms",
      std::chrono::duration_cast<std::chrono::milliseconds>(delay).count()}});
  self->delayed_send(self, delay, atom::resend_v);
}

void done_one(resync_self self) {
  if (--self->state.outstanding == 0)
    round_done(self);
}

/// Sends `x`, acknowledged before, to its target, marked so
/// (`instruction::acked_before`); `then` gets the answer. No answer, or an
/// error a resend may change (printer off line, peer down, timeout),
/// leaves the round not whole.
template <class F>
void send_to_target(resync_self self, instruction x, F then) {
  auto& st = self->state;
  x.acked_before = true;
  ++st.outstanding;
  auto timeout = st.ctx->config.request_timeout;
  auto ok = [self, then](instruction_ack& ack) {
    then(ack);
    done_one(self);
  };
  auto failed = [self, x](caf::error& err) {
    auto& st = self->state;
    if (is_permanent_refusal(err))
      st.logger.error("stream.resync_refused",
                      {{"stream", x.stream.to_string()},
                       {"seq", x.seq},
                       {"error", self->system().render(err)}});
    else
      st.whole = false;
    done_one(self);
  };
  if (x.stream.to.kind == target_kind::device)
    self->request(st.ctx->devices, timeout, atom::apply_v, x).then(ok, failed);
  else
    self->request(st.ctx->services, timeout, atom::apply_v, x).then(ok, failed);
}

/// The receiver of `stream` answered `applied`, below `acked`: sends it
/// what it lost, in order.
void send_lost(resync_self self, const stream_id& stream, uint64_t applied,
               uint64_t acked) {
  auto& st = self->state;
  st.whole = false; // until the next round's probe finds it whole
  auto lost = contract_storage::sent(*st.ctx->env, stream, applied + 1, acked);
  if (!lost) {
    st.logger.error("stream.resync_failed",
                    {{"stream", stream.to_string()},
                     {"error", persistence::to_string(lost.error())}});
    return;
  }
  st.logger.warn("stream.resync", {{"stream", stream.to_string()},
                                   {"applied", applied},
                                   {"acked", acked},
                                   {"ended", true}});
  for (auto& x : lost.value())
    send_to_target(self, x, [](instruction_ack&) {});
}

/// One round: the last acked instruction of each stream once more, and
/// what a receiver behind its acks lost. Stops when the contract is no
/// longer ended (a renewal's CONTRACT actor resyncs its streams itself).
void probe_round(resync_self self) {
  auto& st = self->state;
  auto stored = contract_storage::load(*st.ctx->env, st.id);
  if (!stored || !stored.value()
      || stored.value()->record.state != contract_state::ended) {
    self->quit();
    return;
  }
  st.whole = true;
  // Counted as one until every probe is out, so that an early answer
  // cannot end the round.
  st.outstanding = 1;
  for (auto& s : stored.value()->streams) {
    if (s.acked == 0)
      continue;
    auto last = contract_storage::sent(*st.ctx->env, s.stream, s.acked,
                                       s.acked);
    if (!last || last.value().empty())
      continue;
    send_to_target(self, last.value().back(),
                   [self, stream = s.stream,
                    acked = s.acked](instruction_ack& ack) {
                     if (ack.seq < acked)
                       send_lost(self, stream, ack.seq, acked);
                   });
  }
  done_one(self);
}

caf::behavior ended_resync(caf::stateful_actor<ended_resync_state>* self,
                           caf::actor_addr parent,
                           std::shared_ptr<const contract_context> ctx,
                           contract_id id) {
  // Ends with the supervisor that started it.
  self->monitor(parent);
  self->set_down_handler([self](caf::down_msg&) { self->quit(); });
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.logger = log::context{{"contract", id.str()}};
  // Seeded by the contract, as its CONTRACT actor's: runs repeat.
  st.rng.seed(static_cast<unsigned>(std::hash<std::string>{}(id.str())));
  st.id = std::move(id);
  probe_round(self);
  return {
    [self](atom::resend) { probe_round(self); },
  };
}

} // namespace

caf::actor spawn_ended_resync(caf::local_actor* parent,
                              std::shared_ptr<const contract_context> ctx,
                              const contract_id& id) {
  return parent->spawn<caf::monitored>(ended_resync, parent->address(),
                                       std::move(ctx), id);
}

} // namespace onset::actors
