// One node of a cluster (`onset-node --cluster FILE --node NAME`): the roles
// the cluster file gives it, its NODE DIRECTORY published on its cluster
// address, PEER LINKs to the nodes it needs, and ROUTERs standing in for the
// supervisors of other nodes (docs/cluster.md).
#pragma once

#include <string>

#include "config/cluster_file.hpp"
#include "nodes/node_options.hpp"

namespace onset::nodes {

/// Runs node `name` of `spec` until SIGTERM or SIGINT, then stops it
/// cleanly (the GATEWAY and the NODE DIRECTORY are unpublished first). The
/// cluster file says where the node listens; a gateway node publishes its
/// GATEWAY on loopback only (see publish_node). Returns the process exit code
/// (1 if the node cannot start: unknown name, bad catalog, unusable data
/// directory, address in use).
/// REQUIRES: called from main before any other thread exists.
int run_cluster_node(const node_options& options,
                     const config::cluster_spec& spec, const std::string& name);

} // namespace onset::nodes
