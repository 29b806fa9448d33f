// One `onset-node` process hosting every role (the embedded default): a
// cluster of one node named `embedded`, wired like any node
// (nodes/node_wiring.hpp), reached through its HTTP API (docs/api.md).
#pragma once

#include "config/cluster_file.hpp"
#include "nodes/node_options.hpp"

namespace onset::nodes {

/// The cluster of one: node `embedded`, every role, its address that of its
/// HTTP API (`options.api`; port 0, picked at start, is shown as `auto`).
/// Its GATEWAY is reached only through the API, in the process.
config::cluster_spec embedded_cluster(const node_options& options);

/// Runs the node until SIGTERM or SIGINT, then stops it cleanly: the API
/// stops first, the actors stop, the STORE commits what is queued,
/// the environment closes. Returns the process exit code (1 if the node
/// cannot start: bad catalog, unusable data directory, port in use).
/// REQUIRES: called from main before any other thread exists (it blocks the
/// stop signals for every thread it starts).
int run_embedded_node(const node_options& options);

} // namespace onset::nodes
