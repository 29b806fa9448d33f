#include "nodes/cluster_node.hpp"

#include "messages/log.hpp"
#include "nodes/node_process.hpp"

namespace onset::nodes {

int run_cluster_node(const node_options& options,
                     const config::cluster_spec& spec,
                     const std::string& name) {
  auto* me = spec.find(name);
  if (me == nullptr) {
    log::error("node.unknown_name", {{"name", name}});
    return 1;
  }
  return run_node(options, spec, *me, node_kind::cluster);
}

} // namespace onset::nodes
