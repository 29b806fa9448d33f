#include "nodes/cluster/node_directory.hpp"

#include <caf/event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "messages/error_code.hpp"
#include "persistence/contract_store.hpp"
#include "persistence/device_store.hpp"
#include "persistence/store_actor.hpp"

namespace onset {

namespace {

using self_ptr = node_directory_actor::stateful_pointer<node_directory_state>;

caf::result<node_status> status(self_ptr self) {
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

template <class Handle>
caf::result<Handle> supervisor(self_ptr self, const Handle& x,
                               const char* role) {
  if (x)
    return x;
  return caf::make_error(error_code::wrong_state,
                         "node " + self->state.self_status.name
                           + " holds no " + role + " role");
}

} // namespace

node_directory_actor::behavior_type node_directory(
  node_directory_actor::stateful_pointer<node_directory_state> self,
  node_status identity, local_supervisors local,
  persistence::environment* env) {
  auto& st = self->state;
  st.self_status = std::move(identity);
  st.self_status.reachable = true;
  st.local = std::move(local);
  st.env = env;
  st.tag = "[directory " + st.self_status.name + " #"
           + std::to_string(self->id()) + "]";
  spdlog::info("{} up address={}", st.tag, st.self_status.address);
  return {
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

} // namespace onset
