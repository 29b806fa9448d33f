#include "nodes/cli/cluster_client.hpp"

#include <optional>
#include <set>

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/protocol.hpp"
#include "messages/error_code.hpp"
#include "nodes/system_config.hpp"

namespace onset::cli {

namespace {

failure to_failure(caf::actor_system& sys, const endpoint& where,
                   const caf::error& err) {
  if (is_onset_error(err))
    return {failure::refused, sys.render(err)};
  if (err == caf::sec::request_timeout)
    return {failure::unreachable,
            "the gateway at " + where.to_string() + " did not answer in time"};
  return {failure::unreachable, "cannot reach the gateway at "
                                  + where.to_string() + ": " + sys.render(err)};
}

} // namespace

reply<std::vector<node_status>>
fetch_cluster_status(const endpoint& gateway,
                     std::chrono::milliseconds timeout) {
  nodes::system_config cfg;
  cfg.set("scheduler.max-threads", size_t{2});
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  std::optional<reply<std::vector<node_status>>> result;
  actors::gateway_actor gw;
  self
    ->request(sys.middleman().actor_handle(), timeout, caf::connect_atom_v,
              gateway.host, gateway.port)
    .receive(
      [&](caf::node_id&, caf::strong_actor_ptr& ptr,
          std::set<std::string>& ifs) {
        if (!ptr || !sys.assignable<actors::gateway_actor>(ifs))
          result.emplace(
            failure{failure::unreachable, "no Onset gateway of this version at "
                                            + gateway.to_string()});
        else
          gw = caf::actor_cast<actors::gateway_actor>(std::move(ptr));
      },
      [&](caf::error& err) { result.emplace(to_failure(sys, gateway, err)); });
  if (result)
    return std::move(*result);
  self->request(gw, timeout, atom::list_v, atom::nodes_v)
    .receive(
      [&](std::vector<node_status>& xs) { result.emplace(std::move(xs)); },
      [&](caf::error& err) { result.emplace(to_failure(sys, gateway, err)); });
  return std::move(*result);
}

} // namespace onset::cli
