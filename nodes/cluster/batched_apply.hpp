// How both step-carrying ROUTERs (devices, services) send a step: delegated
// to the supervisor when it is on this node, in the owner's next STEP BATCH
// when it is remote (nodes/cluster/step_batcher.hpp), refused at once with
// `unreachable` when its node is down. The ROUTER's state provides
// `owners` (an owner_table), `batcher` (a step_batcher), `timeout` and `log`.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/result.hpp>
#include <caf/sec.hpp>

#include "actors/batch_collector.hpp"
#include "messages/log.hpp"
#include "nodes/cluster/fan_out.hpp"
#include "nodes/cluster/step_batcher.hpp"

namespace onset::cluster {

/// Sends a tick to expire unanswered steps, unless one is on its way.
template <class Self>
void arm_expiry(Self* self) {
  auto& st = self->state;
  if (auto generation = st.batcher.arm_tick(); generation != 0)
    self->delayed_send(caf::actor_cast<typename Self::actor_hdl>(self),
                       st.timeout, atom::tick_v, generation);
}

/// Sends owner `i`'s queue as one batch; fails it with `unreachable` if the
/// node went down since the steps were queued.
template <class Self>
void send_batch(Self* self, size_t i) {
  auto& st = self->state;
  auto dest = st.owners.handle(i);
  if (!dest) {
    st.batcher.fail_owner(i, dest.error());
    return;
  }
  auto b = st.batcher.take(i);
  if (b.steps.empty())
    return;
  self->send(*dest, atom::apply_v, std::move(b.steps), b.first_token,
             caf::actor_cast<actors::step_sink_actor>(self));
  arm_expiry(self);
}

/// The ROUTER's `apply` once it knows the owner `i` of the step.
template <class Self>
caf::result<instruction_ack> send_step(Self* self, size_t i, instruction x) {
  auto& st = self->state;
  if (st.owners.is_local(i))
    return delegate_to<instruction_ack>(self, st.owners, i, atom::apply_v,
                                        std::move(x));
  if (auto dest = st.owners.handle(i); !dest)
    return std::move(dest.error());
  auto rp = self->template make_response_promise<instruction_ack>();
  if (st.batcher.queue(i, std::move(x), rp))
    self->send(caf::actor_cast<typename Self::actor_hdl>(self), atom::flush_v,
               uint64_t{i});
  if (st.batcher.full(i))
    send_batch(self, i);
  return rp;
}

/// The expiry tick: fails the steps waiting since the tick before with
/// `request_timeout` (their CONTRACTs have timed them out already).
template <class Self>
void on_expiry_tick(Self* self, uint64_t generation) {
  auto& st = self->state;
  if (!st.batcher.tick_fired(generation))
    return;
  auto n = st.batcher.expire(caf::make_error(caf::sec::request_timeout));
  if (n > 0)
    st.log.warn("steps.expired", {{"count", n}});
  if (st.batcher.waiting())
    arm_expiry(self);
}

/// A batch sent to the ROUTER itself: applied step by step through it.
template <class Self>
void on_batch(Self* self, std::vector<instruction>& steps, uint64_t first_token,
              actors::step_sink_actor& sink) {
  actors::collect_batch(self->system(), caf::actor_cast<caf::actor>(self),
                        std::move(steps), first_token, std::move(sink),
                        self->state.timeout);
}

/// After the PEER LINK of node `node` reported `handle`: a node now
/// unreachable fails its queued and waiting steps at once.
template <class Self, class Handle>
void on_peer(Self* self, const std::string& node, Handle handle) {
  auto& st = self->state;
  auto reachable = static_cast<bool>(handle);
  auto i = st.owners.set(node, std::move(handle));
  if (!i)
    return;
  st.log.info("router.reachable", {{"node", node}, {"reachable", reachable}});
  if (reachable)
    return;
  auto err = st.owners.handle(*i).error();
  if (auto n = st.batcher.fail_owner(*i, err); n > 0)
    st.log.warn("steps.failed", {{"node", node}, {"count", n}});
}

} // namespace onset::cluster
