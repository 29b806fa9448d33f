// One `onset-node` process hosting every role (the embedded default): the
// STORE, the DEVICE, SERVICE and CONTRACT SUPERVISORs and the GATEWAY,
// published on TCP.
#pragma once

#include "nodes/node_options.hpp"

namespace onset {

/// Runs the node until SIGTERM or SIGINT, then stops it cleanly: the GATEWAY
/// is unpublished first, the actors stop, the STORE commits what is queued,
/// the environment closes. Returns the process exit code (1 if the node
/// cannot start: bad catalog, unusable data directory, port in use).
/// REQUIRES: called from main before any other thread exists (it blocks the
/// stop signals for every thread it starts).
int run_embedded_node(const node_options& options);

} // namespace onset
