#include "nodes/cluster_node.hpp"

#include <algorithm>

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <spdlog/spdlog.h>

#include "actors/gateway.hpp"
#include "nodes/cluster/cluster_view.hpp"
#include "nodes/cluster/contract_router.hpp"
#include "nodes/cluster/device_router.hpp"
#include "nodes/cluster/node_directory.hpp"
#include "nodes/cluster/peer_link.hpp"
#include "nodes/cluster/service_router.hpp"
#include "nodes/node_actors.hpp"
#include "nodes/system_config.hpp"

namespace onset {

namespace {

/// This node's ROUTERs (invalid where the node needs none).
struct routers {
  device_router_actor devices;
  contract_router_actor contracts;
  service_router_actor services;
};

node_status identity_of(const cluster_node& me) {
  node_status result;
  result.name = me.name;
  result.address = me.address();
  for (auto role : me.roles)
    result.roles.emplace_back(to_string(role));
  return result;
}

std::string roles_text(const cluster_node& me) {
  std::string result;
  for (auto role : me.roles)
    result += (result.empty() ? "" : ",") + std::string{to_string(role)};
  return result;
}

/// Whether this node must connect to `peer`: a GATEWAY talks to every node
/// (it routes to all roles and reports every node's status); a `contracts`
/// node to the nodes holding printers and services.
bool needs(const cluster_node& me, const cluster_node& peer) {
  if (me.has(node_role::gateway))
    return true;
  return me.has(node_role::contracts)
         && (peer.has(node_role::devices) || peer.has(node_role::services));
}

peer_subscribers subscribers_for(const cluster_node& peer, const routers& r,
                                 const contract_supervisor_actor& local) {
  peer_subscribers result;
  if (peer.has(node_role::devices))
    result.devices = r.devices;
  if (peer.has(node_role::contracts))
    result.contracts = r.contracts;
  if (peer.has(node_role::services))
    result.services = r.services;
  if (peer.has(node_role::devices) || peer.has(node_role::services))
    result.resend_to = local;
  return result;
}

} // namespace

int run_cluster_node(const node_options& options, const cluster_spec& spec,
                     const std::string& name) {
  auto stop_signals = block_stop_signals();
  auto* found = spec.find(name);
  if (found == nullptr) {
    spdlog::error("[node] the cluster file has no node named '{}'", name);
    return 1;
  }
  auto me = *found;
  auto storage = open_node_storage(options);
  if (!storage)
    return 1;
  int exit_code = 0;
  {
    system_config cfg;
    configure_scheduler(cfg, options);
    // Identical on every node: all of them read the same cluster file.
    cfg.set("middleman.heartbeat-interval",
            caf::timespan{spec.heartbeat_interval});
    cfg.set("middleman.connection-timeout",
            caf::timespan{spec.heartbeat_timeout});
    caf::actor_system sys{cfg};
    auto timeout = options.engine.request_timeout;
    auto store = spawn_node_store(sys, *storage);
    local_supervisors local;
    if (me.has(node_role::devices))
      local.devices = spawn_node_devices(sys, options, *storage, store);
    if (me.has(node_role::services))
      local.services = spawn_node_services(sys, options, *storage, store);
    routers route;
    if (me.has(node_role::contracts) || me.has(node_role::gateway)) {
      route.devices = sys.spawn(device_router, spec.holders(node_role::devices),
                                me.name, local.devices, timeout);
      route.services = sys.spawn(service_router,
                                 spec.holders(node_role::services), me.name,
                                 local.services, timeout);
    }
    if (me.has(node_role::contracts))
      local.contracts = spawn_node_contracts(sys, options, *storage, store,
                                             route.devices, route.services);
    if (me.has(node_role::gateway))
      route.contracts = sys.spawn(contract_router,
                                  spec.holders(node_role::contracts), me.name,
                                  local.contracts, timeout);
    std::vector<peer_link_actor> links;
    for (auto& peer : spec.nodes) {
      if (peer.name == me.name || !needs(me, peer))
        continue;
      peer_link_config link;
      link.peer = peer;
      link.connect_timeout = std::max<peer_link_config::duration>(
        spec.heartbeat_timeout, std::chrono::seconds{1});
      link.request_timeout = timeout;
      links.push_back(sys.spawn(peer_link, link,
                                subscribers_for(peer, route, local.contracts)));
    }
    auto directory = sys.spawn(node_directory, identity_of(me), local, links,
                               storage->env.get());
    // Every node, in file order: this one answers for itself, the others
    // through their PEER LINKs (a gateway node has one for every node).
    std::vector<node_status_actor> statuses;
    auto next_link = links.begin();
    for (auto& peer : spec.nodes)
      if (peer.name == me.name)
        statuses.push_back(directory);
      else if (needs(me, peer))
        statuses.push_back(*next_link++);
    std::vector<caf::actor> peers;
    for (auto& x : links)
      peers.push_back(caf::actor_cast<caf::actor>(x));
    gateway_actor gw;
    cluster_view_actor view;
    uint16_t gateway_port = 0;
    auto published = sys.middleman().publish(directory, me.port,
                                             me.host.c_str(), true);
    if (!published) {
      spdlog::error("[node] cannot publish the node directory on {}: {}",
                    me.address(), sys.render(published.error()));
      exit_code = 1;
    } else if (me.has(node_role::gateway)) {
      view = sys.spawn(cluster_view, statuses, timeout);
      gw = sys.spawn(gateway_behavior,
                     gateway_routes{route.contracts, route.devices,
                                    route.services, view},
                     storage->cat, options.engine.local_timeout);
      auto port = sys.middleman().publish(gw, me.gateway_port, me.host.c_str(),
                                          true);
      if (!port) {
        spdlog::error("[node] cannot listen on {}:{}: {}", me.host,
                      me.gateway_port, sys.render(port.error()));
        exit_code = 1;
      } else {
        gateway_port = *port;
        write_port_file(options.data_dir, "gateway.port", gateway_port);
      }
    }
    if (exit_code == 0) {
      spdlog::info("[node] up name={} roles={} address={} gateway={} "
                   "data={} sync={} peers={} heartbeat={}ms/{}ms",
                   me.name, roles_text(me), me.address(),
                   gateway_port == 0
                     ? std::string{"-"}
                     : me.host + ":" + std::to_string(gateway_port),
                   options.data_dir,
                   persistence::to_string(storage->env->sync()), peers.size(),
                   spec.heartbeat_interval.count(),
                   spec.heartbeat_timeout.count());
      auto signal_number = wait_for_stop_signal(stop_signals);
      spdlog::info("[node] stopping signal={}", signal_number);
      arm_shutdown_watchdog();
      if (gw)
        sys.middleman().unpublish(gw, gateway_port);
      sys.middleman().unpublish(directory, me.port);
      remove_port_file(options.data_dir, "gateway.port");
    }
    std::vector<caf::actor> actors{caf::actor_cast<caf::actor>(gw),
                                   caf::actor_cast<caf::actor>(view)};
    actors.insert(actors.end(), peers.begin(), peers.end());
    for (auto x : {caf::actor_cast<caf::actor>(directory),
                   caf::actor_cast<caf::actor>(route.contracts),
                   caf::actor_cast<caf::actor>(local.contracts),
                   caf::actor_cast<caf::actor>(route.devices),
                   caf::actor_cast<caf::actor>(route.services),
                   caf::actor_cast<caf::actor>(local.devices),
                   caf::actor_cast<caf::actor>(local.services)})
      actors.push_back(x);
    stop_node_actors(sys, actors, store);
  }
  storage->env.reset();
  spdlog::info("[node] stopped name={}", me.name);
  return exit_code;
}

} // namespace onset
