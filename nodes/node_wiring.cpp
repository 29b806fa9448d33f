#include "nodes/node_wiring.hpp"

#include <algorithm>

#include <caf/actor_system.hpp>

#include "actors/gateway.hpp"
#include "nodes/cluster/cluster_view.hpp"
#include "nodes/cluster/contract_router.hpp"
#include "nodes/cluster/device_router.hpp"
#include "nodes/cluster/peer_link.hpp"
#include "nodes/cluster/service_router.hpp"
#include "nodes/node_actors.hpp"

namespace onset::nodes {

namespace {

/// Whether a node other than `me` holds role `x`. Only then does `me` talk
/// to that role through a ROUTER; a node alone with a role (the embedded
/// node holds every role) talks to its own supervisor directly.
bool routes_to_others(const config::cluster_spec& spec,
                      const config::cluster_node& me, config::node_role x) {
  auto holders = spec.holders(x);
  return std::any_of(holders.begin(), holders.end(),
                     [&](const std::string& name) { return name != me.name; });
}

/// The DEVICE and SERVICE SUPERVISORs this node holds.
cluster::local_supervisors
spawn_local(caf::actor_system& sys, const config::cluster_node& me,
            const node_resources& res, const node_options& options) {
  cluster::local_supervisors result;
  if (me.has(config::node_role::devices))
    result.devices = spawn_node_devices(sys, options, res);
  if (me.has(config::node_role::services))
    result.services = spawn_node_services(sys, options, res);
  return result;
}

/// The DEVICE and SERVICE ROUTERs of a node that sends to printers and
/// services (a `contracts` or `gateway` node).
void spawn_receiver_routers(caf::actor_system& sys,
                            const config::cluster_spec& spec,
                            const config::cluster_node& me,
                            actors::engine_config::duration t,
                            wired_node& node) {
  if (!me.has(config::node_role::contracts)
      && !me.has(config::node_role::gateway))
    return;
  if (routes_to_others(spec, me, config::node_role::devices))
    node.routers.devices = sys.spawn(cluster::device_router,
                                     spec.holders(config::node_role::devices),
                                     me.name, node.local.devices, t);
  if (routes_to_others(spec, me, config::node_role::services))
    node.routers.services = sys.spawn(cluster::service_router,
                                      spec.holders(config::node_role::services),
                                      me.name, node.local.services, t);
}

/// What the node's CONTRACT actors and GATEWAY talk to for each role: its
/// ROUTER, or the local supervisor where there is none.
actors::gateway_routes routes_of(const wired_node& node) {
  actors::gateway_routes result{node.local.contracts, node.local.devices,
                                node.local.services, node.view};
  if (node.routers.contracts)
    result.contracts = node.routers.contracts;
  if (node.routers.devices)
    result.devices = node.routers.devices;
  if (node.routers.services)
    result.services = node.routers.services;
  return result;
}

/// The CONTRACT SUPERVISOR of a `contracts` node.
void spawn_contracts(caf::actor_system& sys, const config::cluster_node& me,
                     const node_resources& res, const node_options& options,
                     wired_node& node) {
  if (!me.has(config::node_role::contracts))
    return;
  auto routes = routes_of(node);
  auto targets = contract_targets_of(sys, options, routes.devices,
                                     routes.services);
  node.injectors = targets.injectors;
  node.local.contracts = spawn_node_contracts(sys, options, res, targets,
                                              routes.devices);
}

/// The CONTRACT ROUTER of a `gateway` node.
void spawn_contract_router(caf::actor_system& sys,
                           const config::cluster_spec& spec,
                           const config::cluster_node& me,
                           actors::engine_config::duration t,
                           wired_node& node) {
  if (me.has(config::node_role::gateway)
      && routes_to_others(spec, me, config::node_role::contracts))
    node.routers.contracts = sys.spawn(
      cluster::contract_router, spec.holders(config::node_role::contracts),
      me.name, node.local.contracts, t);
}

/// Who hears about `peer`'s supervisors: the ROUTERs of the roles it holds,
/// and the CONTRACT SUPERVISOR, which resends when it comes up.
cluster::peer_subscribers subscribers_for(const config::cluster_node& peer,
                                          const wired_node& node) {
  cluster::peer_subscribers result;
  if (peer.has(config::node_role::devices))
    result.devices = node.routers.devices;
  if (peer.has(config::node_role::contracts))
    result.contracts = node.routers.contracts;
  if (peer.has(config::node_role::services))
    result.services = node.routers.services;
  if (peer.has(config::node_role::devices)
      || peer.has(config::node_role::services))
    result.resend_to = node.local.contracts;
  return result;
}

/// One PEER LINK per node that `me` needs, in cluster-file order.
void spawn_peer_links(caf::actor_system& sys, const config::cluster_spec& spec,
                      const config::cluster_node& me, const node_resources& res,
                      actors::engine_config::duration t, uint32_t wire_version,
                      wired_node& node) {
  for (auto& peer : spec.nodes) {
    if (peer.name == me.name || !needs(me, peer))
      continue;
    cluster::peer_link_config link;
    link.peer = peer;
    link.tls = spec.tls.has_value();
    link.wire_version = wire_version;
    link.connect_timeout = std::max<cluster::peer_link_config::duration>(
      spec.heartbeat_timeout, std::chrono::seconds{1});
    link.request_timeout = t;
    link.metrics = res.metrics;
    node.links.push_back(
      sys.spawn(cluster::peer_link, link, subscribers_for(peer, node)));
  }
}

/// Name, address and roles, as `onset cluster` shows the node. A node whose
/// port is picked at start (the embedded node, `--http-port 0`) shows
/// `auto`.
node_status identity_of(const config::cluster_node& me) {
  node_status result;
  result.name = me.name;
  result.address = me.host + ":"
                   + (me.port == 0 ? std::string{"auto"}
                                   : std::to_string(me.port));
  for (auto role : me.roles)
    result.roles.emplace_back(to_string(role));
  return result;
}

/// Every node's status source, in file order: this node's NODE DIRECTORY
/// answers for itself, the others' PEER LINKs for them (a GATEWAY node has
/// one for every node).
std::vector<actors::node_status_actor>
status_sources(const config::cluster_spec& spec, const config::cluster_node& me,
               const wired_node& node) {
  std::vector<actors::node_status_actor> result;
  auto next_link = node.links.begin();
  for (auto& peer : spec.nodes)
    if (peer.name == me.name)
      result.push_back(node.directory);
    else if (needs(me, peer))
      result.push_back(*next_link++);
  return result;
}

/// The CLUSTER VIEW and GATEWAY of a `gateway` node. The view waits
/// `request_timeout` for a node's answer when the node has peers; a node
/// alone asks only itself and waits like every local question.
void spawn_gateway(caf::actor_system& sys, const config::cluster_spec& spec,
                   const config::cluster_node& me, const node_resources& res,
                   const node_options& options, wired_node& node) {
  if (!me.has(config::node_role::gateway))
    return;
  const auto& engine = options.engine;
  auto view_timeout = node.links.empty() ? engine.local_timeout
                                         : engine.request_timeout;
  node.view = sys.spawn(cluster::cluster_view, status_sources(spec, me, node),
                        view_timeout);
  node.gateway = sys.spawn(actors::gateway_behavior, routes_of(node), res.cat,
                           engine.local_timeout);
}

} // namespace

bool needs(const config::cluster_node& me, const config::cluster_node& peer) {
  if (me.has(config::node_role::gateway))
    return true;
  return me.has(config::node_role::contracts)
         && (peer.has(config::node_role::devices)
             || peer.has(config::node_role::services));
}

std::vector<caf::actor> wired_node::in_stop_order() const {
  std::vector<caf::actor> result{caf::actor_cast<caf::actor>(gateway),
                                 caf::actor_cast<caf::actor>(view)};
  for (auto& x : links)
    result.push_back(caf::actor_cast<caf::actor>(x));
  for (auto x : {caf::actor_cast<caf::actor>(directory),
                 caf::actor_cast<caf::actor>(routers.contracts),
                 caf::actor_cast<caf::actor>(local.contracts)})
    result.push_back(x);
  result.insert(result.end(), injectors.begin(), injectors.end());
  for (auto x : {caf::actor_cast<caf::actor>(routers.devices),
                 caf::actor_cast<caf::actor>(routers.services),
                 caf::actor_cast<caf::actor>(local.devices),
                 caf::actor_cast<caf::actor>(local.services)})
    result.push_back(x);
  return result;
}

wired_node wire_node(caf::actor_system& sys, const config::cluster_spec& spec,
                     const config::cluster_node& me, const node_resources& res,
                     const node_options& options) {
  auto timeout = options.engine.request_timeout;
  wired_node node;
  node.local = spawn_local(sys, me, res, options);
  spawn_receiver_routers(sys, spec, me, timeout, node);
  spawn_contracts(sys, me, res, options, node);
  spawn_contract_router(sys, spec, me, timeout, node);
  spawn_peer_links(sys, spec, me, res, timeout, options.wire_version, node);
  node.directory = sys.spawn(cluster::node_directory, identity_of(me),
                             node.local, node.links, res.env,
                             options.wire_version);
  spawn_gateway(sys, spec, me, res, options, node);
  return node;
}

} // namespace onset::nodes
