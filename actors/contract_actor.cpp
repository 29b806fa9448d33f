#include "actors/contract_actor.hpp"

#include <functional>

#include <caf/event_based_actor.hpp>

#include "actors/contract_lifecycle.hpp"
#include "actors/contract_sending.hpp"

namespace onset::actors {

using namespace contract_ops;

contract_actor::behavior_type
contract_behavior(contract_actor::stateful_pointer<contract_actor_state> self,
                  contract_id id, std::shared_ptr<const contract_context> ctx) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.id = id;
  st.logger = log::context{{"contract", id.str()}};
  st.rng.seed(static_cast<unsigned>(std::hash<std::string>{}(id.str())));
  return_permits_at_exit(self);
  recover(self);
  return {
    [self](atom::submit, contract& doc, std::vector<device_record>& records) {
      return renew(self, doc, records);
    },
    [self](atom::start, std::string& event_id) {
      return start_now(self, event_id);
    },
    [self](atom::cancel) { return cancel(self); },
    [self](atom::retry) { return retry(self); },
    [self](atom::due, timer_kind kind) { on_due(self, kind); },
    [self](atom::resend, stream_id& stream, uint64_t seq) {
      on_resend(self, stream, seq);
    },
    [self](atom::resend) { resend_all(self); },
    [self](atom::permit) { on_permit(self); },
  };
}

} // namespace onset::actors
