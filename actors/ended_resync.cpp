#include "actors/ended_resync.hpp"

#include <caf/event_based_actor.hpp>

#include "actors/contract_storage.hpp"
#include "messages/log.hpp"

namespace onset::actors {

namespace {

struct ended_resync_state {
  static inline const char* name = "ended-resync";
  std::shared_ptr<const contract_context> ctx;
  log::context logger;
  /// Requests not answered yet; the actor quits at zero.
  size_t outstanding = 0;
};

using resync_self = caf::stateful_actor<ended_resync_state>*;

void done_one(resync_self self) {
  if (--self->state.outstanding == 0)
    self->quit();
}

/// Sends `x` to its target; `then` gets the answer, if any.
template <class F>
void send_to_target(resync_self self, const instruction& x, F then) {
  auto& st = self->state;
  ++st.outstanding;
  auto timeout = st.ctx->config.request_timeout;
  auto ok = [self, then](instruction_ack& ack) {
    then(ack);
    done_one(self);
  };
  auto lost = [self](caf::error&) { done_one(self); };
  if (x.stream.to.kind == target_kind::device)
    self->request(st.ctx->devices, timeout, atom::apply_v, x).then(ok, lost);
  else
    self->request(st.ctx->services, timeout, atom::apply_v, x).then(ok, lost);
}

/// The receiver of `stream` answered `applied`, below `acked`: sends it
/// what it lost, in order.
void send_lost(resync_self self, const stream_id& stream, uint64_t applied,
               uint64_t acked) {
  auto& st = self->state;
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

caf::behavior ended_resync(caf::stateful_actor<ended_resync_state>* self,
                           std::shared_ptr<const contract_context> ctx,
                           contract_id id) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.logger = log::context{{"contract", id.str()}};
  auto stored = contract_storage::load(*st.ctx->env, id);
  if (!stored || !stored.value()) {
    self->quit();
    return {};
  }
  // Counted as one until every probe is out, so that an early answer
  // cannot end the actor.
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
  return {};
}

} // namespace

void spawn_ended_resync(caf::actor_system& sys,
                        std::shared_ptr<const contract_context> ctx,
                        const contract_id& id) {
  sys.spawn(ended_resync, std::move(ctx), id);
}

} // namespace onset::actors
