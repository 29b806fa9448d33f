// `onset cluster`, kept apart from the other command groups
// (nodes/cli/commands.hpp) because it belongs to the cluster feature
// (docs/cluster.md).
#pragma once

namespace CLI {
class App;
} // namespace CLI

namespace onset::cli {

/// `cluster`: every node, its roles, reachable or not, its counts.
void add_cluster_command(CLI::App& app, int& rc);

} // namespace onset::cli
