// `onset cluster`: every node of the cluster, its roles, whether the GATEWAY
// reaches it, how many contracts and printers it holds, and how many of the
// nodes it needs it reaches itself (PEERS up/total).
#include "nodes/cli/cluster_command.hpp"

#include <iostream>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "config/cluster_file.hpp"
#include "nodes/cli/cluster_client.hpp"
#include "nodes/cli/exit_code.hpp"
#include "nodes/cli/gateway_options.hpp"
#include "nodes/cli/output.hpp"
#include "nodes/cli/text_table.hpp"

namespace onset::cli {

namespace {

struct cluster_options {
  gateway_options gateway;
  /// When set, the GATEWAY's address comes from this cluster file.
  std::string cluster_file;
  bool json = false;
};

/// The first gateway node's `host:gateway_port` in `file`.
std::optional<endpoint> gateway_of(const std::string& file) {
  auto spec = config::load_cluster_file(file);
  if (!spec) {
    std::cerr << "onset: refused: " << spec.error().to_string() << '\n';
    return std::nullopt;
  }
  for (auto& node : spec.value().nodes)
    if (node.has(config::node_role::gateway))
      return endpoint{node.host, node.gateway_port};
  return std::nullopt;
}

nlohmann::json to_json(const node_status& x) {
  return {{"name", x.name},           {"address", x.address},
          {"roles", x.roles},         {"reachable", x.reachable},
          {"contracts", x.contracts}, {"devices", x.devices},
          {"peers", x.peers},         {"peers_up", x.peers_up}};
}

void print_table(const std::vector<node_status>& xs) {
  text_table table{
    {"NODE", "ADDRESS", "ROLES", "REACHABLE", "CONTRACTS", "DEVICES", "PEERS"}};
  auto known = [](const node_status& x, uint64_t n) {
    return x.reachable ? std::to_string(n) : std::string{"-"};
  };
  for (auto& x : xs)
    table.add({x.name, x.address, join(x.roles), x.reachable ? "yes" : "no",
               known(x, x.contracts), known(x, x.devices),
               x.reachable
                 ? std::to_string(x.peers_up) + "/" + std::to_string(x.peers)
                 : "-"});
  table.print(std::cout);
}

int run_cluster(const cluster_options& o) {
  std::optional<endpoint> where;
  if (!o.cluster_file.empty()) {
    where = gateway_of(o.cluster_file);
    if (!where)
      return exit_refused;
  } else {
    where = parse_endpoint(o.gateway.address);
    if (!where) {
      std::cerr << "onset: '" << o.gateway.address << "' is not host:port\n";
      return exit_usage;
    }
  }
  auto nodes = fetch_cluster_status(*where,
                                    to_timeout(o.gateway.timeout_seconds));
  if (!nodes)
    return report(nodes.error());
  if (o.json) {
    auto result = nlohmann::json::array();
    for (auto& x : nodes.value())
      result.push_back(to_json(x));
    print_json(result);
  } else {
    print_table(nodes.value());
  }
  return exit_ok;
}

} // namespace

void add_cluster_command(CLI::App& app, int& rc) {
  auto o = std::make_shared<cluster_options>();
  auto* cmd = app.add_subcommand(
    "cluster", "Every node of the cluster: roles, reachable or not, how many "
               "contracts and devices it holds");
  add_gateway_options(*cmd, o->gateway);
  cmd->add_option("--cluster", o->cluster_file,
                  "Cluster file; the gateway's address is taken from it");
  cmd->add_flag("--json", o->json, "Print JSON");
  cmd->callback([o, &rc] { rc = run_cluster(*o); });
}

} // namespace onset::cli
