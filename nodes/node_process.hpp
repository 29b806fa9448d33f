// What an `onset-node` process does around its wired node
// (nodes/node_wiring.hpp): the actor system, publishing on TCP, the
// `node.up` event, waiting for a stop signal, the orderly stop.
#pragma once

#include <cstdint>

#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include "config/cluster_file.hpp"
#include "nodes/node_options.hpp"
#include "nodes/node_wiring.hpp"

namespace onset::nodes {

/// An embedded node is a cluster of one that no peer reaches: its NODE
/// DIRECTORY stays unpublished and BASP heartbeats stay off (the CLI's
/// connections to the GATEWAY send none).
enum class node_kind { cluster, embedded };

/// Runs node `me` of `spec` until SIGTERM or SIGINT, or until its STORE
/// stops on a fatal storage error, then stops it cleanly: the GATEWAY and
/// the NODE DIRECTORY are unpublished first, the actors stop, the STORE
/// commits what is queued, the environment closes. Returns the process exit
/// code: 0, 1 if the node cannot start (bad catalog, unusable data
/// directory, address in use), `exit_storage_failed` (74) after a fatal
/// storage error (docs/deploy.md).
/// REQUIRES: called from main before any other thread exists (it blocks the
/// stop signals for every thread it starts); `me` is one of `spec.nodes`.
int run_node(const node_options& options, const config::cluster_spec& spec,
             const config::cluster_node& me, node_kind kind);

/// Where a gateway node of a cluster publishes its GATEWAY (on
/// `gateway_port`): loopback only, for the benchmarks (onset-bench,
/// onset-chaos) on that machine. Operators and contract systems use the
/// HTTP API.
constexpr const char* gateway_loopback = "127.0.0.1";

/// Publishes the NODE DIRECTORY on `me`'s address (a cluster node) and the
/// GATEWAY on `gateway_loopback` and `me.gateway_port` (a `gateway` node of
/// a cluster; an embedded node publishes nothing). Returns
/// the GATEWAY's port, 0 for none; logs `node.publish_failed` and returns
/// the error if either cannot listen.
caf::expected<uint16_t>
publish_node(caf::actor_system& sys, const wired_node& node,
             const config::cluster_node& me, node_kind kind);

/// Undoes a successful `publish_node`.
void unpublish_node(caf::actor_system& sys, const wired_node& node,
                    const config::cluster_node& me, node_kind kind,
                    uint16_t gateway_port);

} // namespace onset::nodes
