// What every receiving actor (DEVICE, SERVICE and their supervisors) gets
// from its node, and how a receiver_core's batches reach the STORE.
#pragma once

#include <utility>

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

#include "actors/endpoint_link.hpp"
#include "actors/receiver_core.hpp"
#include "actors/receiver_options.hpp"
#include "messages/type_ids.hpp"
#include "persistence/environment.hpp"
#include "persistence/store_actor.hpp"

namespace onset::actors {

struct receiver_context {
  /// The single writer of `env`.
  persistence::store_actor store;
  /// Reads happen directly, in a read transaction inside one handler.
  /// Not owned. REQUIRES: outlives every actor holding this context.
  persistence::environment* env = nullptr;
  receiver_options options;
};

/// Requests the STORE of `ctx` to commit `batch` for actor `self`
/// (persistence::request_write: it always answers); `done` runs with the
/// outcome in a later handler of `self`.
template <class Self>
void commit_through_store(Self* self, const receiver_context& ctx,
                          persistence::write_batch batch, commit_done done) {
  persistence::request_write(self, ctx.store, std::move(batch))
    .then([done](atom::ok) { done(caf::none); },
          [done](caf::error& err) { done(err); });
}

/// How an endpoint_link of actor `self` wakes it: a `done` message carrying
/// the call, sent from an endpoint_client thread, dropped if `self` is gone
/// (a weak handle: the link lives in `self`'s state).
template <class Self>
endpoint_link::wake_fn wake_by_message(Self* self) {
  return [addr = self->address()](uint64_t call) {
    if (auto hdl = caf::actor_cast<caf::actor>(addr))
      caf::anon_send(hdl, atom::done_v, call);
  };
}

/// What an actor function returns after it called `self->quit(...)`.
template <class Handle>
typename Handle::behavior_type stopped_behavior() {
  using behavior_type = typename Handle::behavior_type;
  return behavior_type{typename behavior_type::unsafe_init{}, caf::behavior{}};
}

/// An ack_reply that answers through `rp`.
template <class Promise>
ack_reply deliver_to(Promise rp) {
  return [rp](caf::expected<instruction_ack> x) mutable {
    if (x)
      rp.deliver(std::move(*x));
    else
      rp.deliver(std::move(x.error()));
  };
}

} // namespace onset::actors
