// The one wiring of a node: which actors a node of a cluster runs and how
// they connect, from the cluster spec, the node's entry in it, its storage
// and its options. A process (`onset-node`, embedded or one node of a
// cluster) and the deterministic cluster tests both wire nodes here; the
// embedded node is a cluster of one node holding every role.
//
// Nothing here publishes or connects by itself: PEER LINKs connect through
// the middleman actor asynchronously, and publishing is the caller's step
// (nodes/node_process.hpp), which a test on CAF's simulated network does its
// own way.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/engine_config.hpp"
#include "actors/protocol.hpp"
#include "config/cluster_file.hpp"
#include "messages/catalog.hpp"
#include "messages/metrics/metrics.hpp"
#include "nodes/cluster/node_directory.hpp"
#include "nodes/node_options.hpp"
#include "persistence/environment.hpp"
#include "persistence/store_actor.hpp"

namespace onset::nodes {

/// What a node's actors share, opened by the caller: a process runs the
/// STORE on its own thread, a deterministic test on the test scheduler.
struct node_resources {
  std::shared_ptr<const catalog> cat;
  /// Not owned; outlives every actor of the node.
  persistence::environment* env = nullptr;
  persistence::store_actor store;
  /// The CONTRACT actors' wall clock (contract_context.hpp); tests give
  /// theirs, whose seconds are whole (`into_second` empty).
  actors::wall_clock now = actors::system_wall_clock();
  std::function<actors::engine_config::duration()> into_second
    = actors::system_into_second;
  /// The process's metrics (docs/operations.md); none in tests that do not
  /// look.
  std::shared_ptr<metrics::node_metrics> metrics;
};

/// The ROUTERs of a node, each standing in for the supervisors of one role
/// over the whole cluster. Invalid where the node needs none.
struct node_routers {
  actors::device_router_actor devices;
  actors::contract_router_actor contracts;
  actors::service_router_actor services;
};

/// Every actor of a wired node; invalid handles for what it does not run.
struct wired_node {
  cluster::local_supervisors local;
  node_routers routers;
  /// FAULT INJECTORs in front of the CONTRACT actors' targets
  /// (`options.test_faults`).
  std::vector<caf::actor> injectors;
  /// One per peer this node talks to, in cluster-file order.
  std::vector<actors::peer_link_actor> links;
  actors::node_directory_actor directory;
  /// `gateway` nodes only.
  actors::cluster_view_actor view;
  actors::gateway_actor gateway;

  /// Every actor (not the STORE) in the order a node stops them: the
  /// GATEWAY first, the local supervisors last.
  std::vector<caf::actor> in_stop_order() const;
};

/// Spawns node `me` of `spec` in `sys`. PEER LINKs start connecting at once.
/// REQUIRES: `me` is one of `spec.nodes`; `res.env` and `res.store` valid.
wired_node wire_node(caf::actor_system& sys, const config::cluster_spec& spec,
                     const config::cluster_node& me, const node_resources& res,
                     const node_options& options);

/// Whether `me` connects to `peer`: a GATEWAY talks to every node (it
/// routes to all roles and reports every node's status); a `contracts`
/// node to the nodes holding printers and services.
bool needs(const config::cluster_node& me, const config::cluster_node& peer);

} // namespace onset::nodes
