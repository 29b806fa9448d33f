#include "nodes/embedded_node.hpp"

#include "nodes/node_process.hpp"

namespace onset::nodes {

config::cluster_spec embedded_cluster(const node_options& options) {
  config::cluster_node me;
  me.name = "embedded";
  // The node's address, as `onset cluster` shows it, is its HTTP API's:
  // its GATEWAY is not published.
  me.host = options.api.host;
  me.port = options.api.port;
  me.roles = {config::node_role::gateway, config::node_role::contracts,
              config::node_role::devices, config::node_role::services};
  config::cluster_spec result;
  result.nodes.push_back(std::move(me));
  return result;
}

int run_embedded_node(const node_options& options) {
  auto spec = embedded_cluster(options);
  return run_node(options, spec, spec.nodes.front(), node_kind::embedded);
}

} // namespace onset::nodes
