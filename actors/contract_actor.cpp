#include "actors/contract_actor.hpp"

#include <functional>

#include <caf/event_based_actor.hpp>

#include "actors/contract_lifecycle.hpp"
#include "actors/contract_sending.hpp"

namespace onset::actors {

using namespace contract_ops;

namespace {

contract_actor::behavior_type running(contract_self self) {
  return {
    [self](atom::submit, contract& doc, std::vector<device_record>& records,
           requester& by) { return renew(self, doc, records, std::move(by)); },
    [self](atom::start, std::string& event_id, requester& by) {
      return start_now(self, event_id, std::move(by));
    },
    [self](atom::cancel, requester& by) { return cancel(self, std::move(by)); },
    [self](atom::retry, requester& by) { return retry(self, std::move(by)); },
    [self](atom::due, timer_kind kind) { on_due(self, kind); },
    [self](atom::resend, stream_id& stream, uint64_t seq) {
      on_resend(self, stream, seq);
    },
    [self](atom::resend) { resend_all(self); },
    [self](atom::permit) { on_permit(self); },
  };
}

/// Until the STORE has committed or failed every batch it held when this
/// actor started: every message waits in the mailbox.
contract_actor::behavior_type waiting_for_store() {
  return {
    [](atom::submit, contract&, std::vector<device_record>&,
       requester&) -> caf::result<submit_result> { return caf::skip; },
    [](atom::start, std::string&, requester&) -> caf::result<atom::ok> {
      return caf::skip;
    },
    [](atom::cancel, requester&) -> caf::result<atom::ok> { return caf::skip; },
    [](atom::retry, requester&) -> caf::result<atom::ok> { return caf::skip; },
    [](atom::due, timer_kind) -> caf::result<void> { return caf::skip; },
    [](atom::resend, stream_id&, uint64_t) -> caf::result<void> {
      return caf::skip;
    },
    [](atom::resend) -> caf::result<void> { return caf::skip; },
    [](atom::permit) -> caf::result<void> { return caf::skip; },
  };
}

/// Recovers once every batch queued in the STORE before now is committed
/// or discarded: an empty batch's answer comes after theirs (one STORE,
/// batches in arrival order, and a dead predecessor's sends were enqueued
/// before its death was reported).
void recover_after_store(contract_self self) {
  persistence::request_drain(self, self->state.ctx->store)
    .then(
      [self](atom::ok) {
        if (recover(self))
          self->become(running(self));
      },
      [self](caf::error& err) { self->quit(err); });
}

} // namespace

contract_actor::behavior_type
contract_behavior(contract_actor::stateful_pointer<contract_actor_state> self,
                  contract_id id, std::shared_ptr<const contract_context> ctx,
                  bool after_crash) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.id = id;
  st.logger = log::context{{"contract", id.str()}};
  st.rng.seed(static_cast<unsigned>(std::hash<std::string>{}(id.str())));
  return_permits_at_exit(self);
  if (after_crash) {
    recover_after_store(self);
    return waiting_for_store();
  }
  recover(self);
  return running(self);
}

} // namespace onset::actors
