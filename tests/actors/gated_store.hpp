// A stand-in STORE for the engine tests: the STORE's interface, and it
// holds every batch while closed, until the test releases it (`flush`), or
// fails the next released one on purpose.
#pragma once

#include <deque>
#include <memory>
#include <utility>

#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "persistence/caf_error.hpp"
#include "persistence/store_actor.hpp"

namespace onset::test {

/// What the stand-in STORE shares with the test.
struct gate {
  persistence::environment* env = nullptr;
  /// Open: commit every batch at once. Closed: hold it until a flush.
  bool open = true;
  /// Batches received, held or not.
  size_t received = 0;
  /// Fails the next flushed batch with this error instead of committing it.
  caf::error fail_next;
  std::deque<
    std::pair<persistence::write_batch, caf::typed_response_promise<atom::ok>>>
    held;
};

/// Runs one batch in its own transaction, as the STORE would.
inline caf::error commit_one(gate& g, persistence::write_batch& batch) {
  auto txn = g.env->begin_write();
  if (!txn)
    return persistence::to_error(txn.error());
  if (auto err = batch(txn)) {
    txn.abort();
    return err;
  }
  return persistence::to_error(txn.commit());
}

/// The stand-in STORE: the STORE's interface; `flush` releases the oldest
/// held batch.
inline persistence::store_actor::behavior_type
gated_store(persistence::store_actor::pointer self, std::shared_ptr<gate> g) {
  return {
    [self, g](atom::write,
              persistence::write_batch& batch) -> caf::result<atom::ok> {
      ++g->received;
      if (g->open) {
        if (auto err = commit_one(*g, batch))
          return err;
        return atom::ok_v;
      }
      auto rp = self->make_response_promise<atom::ok>();
      g->held.emplace_back(std::move(batch), rp);
      return rp;
    },
    [g](atom::flush) {
      if (g->held.empty())
        return;
      auto [batch, rp] = std::move(g->held.front());
      g->held.pop_front();
      if (g->fail_next)
        rp.deliver(std::exchange(g->fail_next, caf::error{}));
      else if (auto err = commit_one(*g, batch))
        rp.deliver(err);
      else
        rp.deliver(atom::ok_v);
    },
    [](atom::tick, uint64_t) {},
  };
}

/// Opens the gate and releases what `store` holds, oldest first, calling
/// `run` (the fixture's) after each release.
template <class Run>
void drain(gate& g, const persistence::store_actor& store, Run run) {
  g.open = true;
  while (!g.held.empty()) {
    caf::anon_send(store, atom::flush_v);
    run();
  }
}

} // namespace onset::test
