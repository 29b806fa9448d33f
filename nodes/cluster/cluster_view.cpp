#include "nodes/cluster/cluster_view.hpp"

#include <caf/event_based_actor.hpp>

#include "nodes/cluster/fan_out.hpp"

namespace onset::cluster {

actors::cluster_view_actor::behavior_type cluster_view(
  actors::cluster_view_actor::stateful_pointer<cluster_view_state> self,
  std::vector<actors::node_status_actor> nodes,
  actors::engine_config::duration timeout) {
  self->state.nodes = std::move(nodes);
  self->state.timeout = timeout;
  return {
    [self](atom::list, atom::nodes) -> caf::result<std::vector<node_status>> {
      auto& st = self->state;
      auto rp = self->make_response_promise<std::vector<node_status>>();
      auto g = gather<node_status>::make(
        st.nodes.size(),
        [rp](caf::expected<std::vector<node_status>> x) mutable {
          if (x)
            rp.deliver(std::move(*x));
          else
            rp.deliver(std::move(x.error()));
        });
      for (size_t i = 0; i < st.nodes.size(); ++i)
        ask_into<node_status>(self, st.nodes[i], st.timeout, g, i,
                              atom::status_v);
      return rp;
    },
  };
}

} // namespace onset::cluster
