#include "nodes/cluster_node.hpp"

#include "config/cluster_tls.hpp"
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
  if (!spec.tls) {
    log::warn("node.insecure", {{"name", name},
                                {"reason", "the cluster file says insecure: "
                                           "peers are not authenticated"}});
  } else if (auto problem = config::check_node_tls(spec.tls_files(*me))) {
    log::error("node.tls_refused",
               {{"name", name}, {"reason", problem->to_string()}});
    return 1;
  }
  return run_node(options, spec, *me, node_kind::cluster);
}

} // namespace onset::nodes
