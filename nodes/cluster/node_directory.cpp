#include "nodes/cluster/node_directory.hpp"

#include <caf/event_based_actor.hpp>

#include "messages/error_code.hpp"
#include "messages/log.hpp"
#include "nodes/cluster/fan_out.hpp"
#include "persistence/contract_store.hpp"
#include "persistence/device_store.hpp"
#include "persistence/store_actor.hpp"

namespace onset::cluster {

namespace {

using self_ptr
  = actors::node_directory_actor::stateful_pointer<node_directory_state>;

/// The node's status with its stores' counts, without its peers.
caf::expected<node_status> counted(self_ptr self) {
  auto& st = self->state;
  auto txn = st.env->begin_read();
  if (!txn)
    return persistence::to_error(txn.error());
  auto result = st.self_status;
  auto walked = persistence::contract_store::for_each(
    txn, [&](const contract_record&) { ++result.contracts; });
  if (!walked)
    return persistence::to_error(walked);
  auto devices = persistence::device_store::count(txn);
  if (!devices)
    return persistence::to_error(devices.error());
  result.devices = devices.value();
  return result;
}

caf::result<node_status> status(self_ptr self) {
  auto& st = self->state;
  auto result = counted(self);
  if (!result)
    return std::move(result.error());
  result->peers = static_cast<uint32_t>(st.peers.size());
  if (st.peers.empty())
    return std::move(*result);
  auto rp = self->make_response_promise<node_status>();
  auto g = gather<std::string>::make(
    st.peers.size(), [rp, x = std::move(*result)](
                       caf::expected<std::vector<std::string>> why) mutable {
      if (why)
        for (auto& y : *why)
          x.peers_up += y.empty() ? 1 : 0;
      rp.deliver(std::move(x));
    });
  for (size_t i = 0; i < st.peers.size(); ++i)
    ask_into<std::string>(self, st.peers[i], st.timeout, g, i, atom::peer_v);
  return rp;
}

template <class Handle>
caf::result<Handle>
supervisor(self_ptr self, const Handle& x, const char* role) {
  if (x)
    return x;
  return caf::make_error(error_code::wrong_state,
                         "node " + self->state.self_status.name + " holds no "
                           + role + " role");
}

/// The asker's wire version differs: its PEER LINK refuses this node; the
/// refusal is logged on both sides.
uint32_t answer_version(self_ptr self, uint32_t theirs) {
  auto& st = self->state;
  if (theirs != st.wire_version) {
    auto& sender = self->current_sender();
    log::warn("directory.version_refused",
              {{"node", st.self_status.name},
               {"version", st.wire_version},
               {"peer_version", theirs},
               {"peer", sender ? caf::to_string(sender->node())
                               : std::string{"unknown"}}});
  }
  return st.wire_version;
}

} // namespace

actors::node_directory_actor::behavior_type node_directory(
  actors::node_directory_actor::stateful_pointer<node_directory_state> self,
  node_status identity, local_supervisors local,
  std::vector<actors::peer_link_actor> peers, persistence::environment* env,
  uint32_t wire_version) {
  auto& st = self->state;
  st.self_status = std::move(identity);
  st.self_status.reachable = true;
  st.local = std::move(local);
  st.peers = std::move(peers);
  st.timeout = std::chrono::seconds{5};
  st.env = env;
  st.wire_version = wire_version;
  log::info("directory.up", {{"node", st.self_status.name},
                             {"address", st.self_status.address}});
  return {
    [self](atom::version, uint32_t theirs) {
      return answer_version(self, theirs);
    },
    [self](atom::status) { return status(self); },
    [self](atom::get, atom::devices) {
      return supervisor(self, self->state.local.devices, "devices");
    },
    [self](atom::get, atom::contracts) {
      return supervisor(self, self->state.local.contracts, "contracts");
    },
    [self](atom::get, atom::services) {
      return supervisor(self, self->state.local.services, "services");
    },
  };
}

} // namespace onset::cluster
