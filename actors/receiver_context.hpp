// What every receiving actor (DEVICE, SERVICE and their supervisors) gets
// from its node, and the STORE commit hook of a receiver_core.
#pragma once

#include <utility>

#include "actors/receiver_core.hpp"
#include "actors/receiver_options.hpp"
#include "messages/type_ids.hpp"
#include "persistence/environment.hpp"
#include "persistence/store_actor.hpp"

namespace onset {

struct receiver_context {
  /// The single writer of `env`.
  persistence::store_actor store;
  /// Reads happen directly, in a read transaction inside one handler.
  /// Not owned. REQUIRES: outlives every actor holding this context.
  persistence::environment* env = nullptr;
  receiver_options options;
};

/// A receiver_core commit hook for actor `self`: requests the STORE to
/// commit the batch, waiting at most `options.commit_timeout`.
/// REQUIRES: `self` outlives the hook (the hook lives in `self`'s state).
template <class Self>
auto store_commit(Self* self, const receiver_context& ctx) {
  return [self, store = ctx.store, timeout = ctx.options.commit_timeout](
           persistence::write_batch batch, commit_done done) {
    self->request(store, timeout, atom::write_v, std::move(batch))
      .then([done](atom::ok) { done(caf::none); },
            [done](caf::error& err) { done(err); });
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

} // namespace onset
