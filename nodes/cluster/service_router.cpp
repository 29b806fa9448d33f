#include "nodes/cluster/service_router.hpp"

#include <caf/event_based_actor.hpp>

#include "messages/error_code.hpp"
#include "messages/log.hpp"
#include "nodes/cluster/batched_apply.hpp"
#include "nodes/cluster/fan_out.hpp"

namespace onset::cluster {

actors::service_router_actor::behavior_type service_router(
  actors::service_router_actor::stateful_pointer<service_router_state> self,
  std::vector<std::string> owners, std::string local_name,
  actors::service_supervisor_actor local,
  actors::engine_config::duration timeout) {
  auto& st = self->state;
  st.owners = owner_table<actors::service_supervisor_actor>{
    std::move(owners), local_name, std::move(local)};
  st.timeout = timeout;
  st.log = log::context{{"router", "services"}};
  st.log.info("router.up", {{"nodes", st.owners.size()}});
  return {
    [self](atom::apply, instruction& x) -> caf::result<instruction_ack> {
      auto& st = self->state;
      if (x.stream.to.kind != target_kind::service)
        return caf::make_error(error_code::invalid_input,
                               "not a service stream: " + x.stream.to_string());
      auto i = st.owners.owner_of(x.stream.to.name);
      return send_step(self, i, std::move(x));
    },
    [self](atom::get, service_id& service, device_id& device) {
      auto& st = self->state;
      auto i = st.owners.owner_of(service.str());
      return forward_to<service_view>(self, st.owners, i, st.timeout,
                                      atom::get_v, std::move(service),
                                      std::move(device));
    },
    [self](atom::peer, std::string& node,
           actors::service_supervisor_actor& handle) {
      on_peer(self, node, std::move(handle));
    },
    [self](atom::apply, std::vector<instruction>& steps, uint64_t first_token,
           actors::step_sink_actor& sink) {
      on_batch(self, steps, first_token, sink);
    },
    [self](atom::answered, std::vector<step_answer>& xs) {
      self->state.batcher.answer(xs);
    },
    [self](atom::flush, uint64_t owner) { send_batch(self, owner); },
    [self](atom::tick, uint64_t generation) {
      on_expiry_tick(self, generation);
    },
  };
}

} // namespace onset::cluster
