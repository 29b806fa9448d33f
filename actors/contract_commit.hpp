// Commit coalescing of the CONTRACT actor: every change goes to the STORE
// as one write batch; while one is in flight, later changes are merged into
// one pending change and written as one batch when it returns. What a
// change appended is sent, its log events written and its callbacks called
// only after its commit.
#pragma once

#include <functional>
#include <utility>
#include <vector>

#include <caf/typed_response_promise.hpp>

#include "actors/contract_actor.hpp"
#include "actors/contract_sending.hpp"

namespace onset::actors::contract_ops {

/// Writes `change` (with what changed of the current record) in one
/// transaction; after the commit logs the pending events, sends what it
/// appended and calls `done` with no error. While a commit is in flight, the
/// change is merged into the pending one instead, in order. A failed commit
/// calls every callback with the error and quits the actor: memory is then
/// ahead of the store, and the supervisor restarts it from the store.
void commit(contract_self self, contract_change change,
            std::function<void(const caf::error&)> done = nullptr);

/// Commits `change`, then resends `resend` and answers `answer`; a failed
/// commit answers with its error.
template <class T>
caf::typed_response_promise<T>
reply_after_commit(contract_self self, contract_change change, T answer,
                   std::vector<instruction> resend = {}) {
  auto rp = self->make_response_promise<T>();
  commit(self, std::move(change),
         [self, rp, answer, resend](const caf::error& err) mutable {
           if (err) {
             rp.deliver(err);
             return;
           }
           send_all(self, resend);
           rp.deliver(answer);
         });
  return rp;
}

} // namespace onset::actors::contract_ops
