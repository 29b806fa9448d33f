// `onset cluster`: every node of the cluster, its roles, whether the GATEWAY
// reaches it, how many contracts and printers it holds, and how many of the
// nodes it needs it reaches itself (PEERS up/total).
#include "nodes/cli/cluster_command.hpp"

#include <iostream>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "nodes/cli/exit_code.hpp"
#include "nodes/cli/output.hpp"
#include "nodes/cli/server_options.hpp"
#include "nodes/cli/text_table.hpp"
#include "nodes/cli/view_json.hpp"

namespace onset::cli {

namespace {

struct cluster_options {
  server_options server;
  bool json = false;
};

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
  return with_server(o.server, [&](api_client& api) {
    auto nodes = api.nodes();
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
    return int{exit_ok};
  });
}

} // namespace

void add_cluster_command(CLI::App& app, int& rc) {
  auto o = std::make_shared<cluster_options>();
  auto* cmd = app.add_subcommand(
    "cluster", "Every node of the cluster: roles, reachable or not, how many "
               "contracts and devices it holds");
  add_server_options(*cmd, o->server);
  cmd->add_flag("--json", o->json, "Print JSON");
  cmd->callback([o, &rc] { rc = run_cluster(*o); });
}

} // namespace onset::cli
