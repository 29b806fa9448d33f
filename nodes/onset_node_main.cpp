// `onset-node`: runs a node (by default every role on loopback, data in
// ./onset-data; with --cluster, one node of a cluster file), or inspects a
// stopped node's data. Wiring only.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "config/cluster_file.hpp"
#include "config/default_catalog.hpp"
#include "messages/log.hpp"
#include "nodes/api/routes_command.hpp"
#include "nodes/api/token_command.hpp"
#include "nodes/backup_command.hpp"
#include "nodes/cluster_node.hpp"
#include "nodes/embedded_node.hpp"
#include "nodes/inspect_command.hpp"
#include "nodes/logging.hpp"
#include "nodes/node_options_cli.hpp"
#include "nodes/version.hpp"

int main(int argc, char** argv) {
  CLI::App app{"onset-node: an Onset node (GATEWAY, contracts, devices and "
               "services in one process, or one node of a cluster)"};
  app.set_version_flag("--version", onset::nodes::version_line("onset-node"));
  onset::nodes::node_options node;
  node.catalog_file = onset::config::default_catalog_file();
  onset::nodes::add_node_options(app, node);
  std::string cluster_file;
  std::string node_name;
  auto* cluster_opt = app.add_option(
    "--cluster", cluster_file,
    "Cluster file (docs/cluster.md): run one node of it instead of every "
    "role in one process");
  app.add_option("--node", node_name, "This node's name in the cluster file")
    ->needs(cluster_opt);
  cluster_opt->needs("--node");
  auto* config = onset::nodes::add_config_sources(app);
  onset::nodes::inspect_options inspect;
  auto* inspect_cmd = app.add_subcommand(
    "inspect", "Report, from stopped nodes' data, how often each "
               "instruction was applied and whether every acked one was "
               "(exit 1 if any twice, missing or lost)");
  inspect.catalog_file = onset::config::default_catalog_file();
  inspect_cmd
    ->add_option("--data-dir", inspect.data_dirs,
                 "Data directory; repeat it for every node of a cluster")
    ->capture_default_str();
  inspect_cmd->add_option("--catalog", inspect.catalog_file, "Service catalog")
    ->capture_default_str();
  inspect_cmd->add_flag("--expect-settled", inspect.expect_settled,
                        "Also check that every contract settled and every "
                        "printer and service holds what its contracts want "
                        "(give every node's data directory)");
  inspect_cmd->add_flag("--json", inspect.json, "Print JSON");
  inspect_cmd->add_flag("--verbose", inspect.verbose, "List every stream");
  onset::api::token_options token;
  auto* token_cmd = onset::api::add_token_command(app, token);
  onset::api::routes_options routes;
  auto* routes_cmd = onset::api::add_routes_command(app, routes);
  onset::nodes::backup_options backup;
  auto* backup_cmd = onset::nodes::add_backup_command(app, backup);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ConfigError& e) {
    std::fprintf(stderr, "onset-node: %s: %s\n",
                 config->as<std::string>().c_str(), e.what());
    return 2;
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (*routes_cmd)
    return onset::api::run_routes_command(routes);
  if (*token_cmd) {
    onset::nodes::setup_logging("warn", "text");
    return onset::api::run_token_command(token);
  }
  if (*backup_cmd)
    return onset::nodes::run_backup_command(backup);
  if (*inspect_cmd) {
    onset::nodes::setup_logging("warn", "text");
    return onset::nodes::run_inspect(inspect);
  }
  if (auto problem = onset::nodes::setup_logging(node.log_level,
                                                 node.log_format)) {
    std::fprintf(stderr, "onset-node: %s\n", problem->c_str());
    return 2;
  }
  if (cluster_file.empty())
    return onset::nodes::run_embedded_node(node);
  node.serve_api = app.count("--http-port") > 0;
  auto spec = onset::config::load_cluster_file(cluster_file);
  if (!spec) {
    onset::log::error("node.cluster_file_refused",
                      {{"file", cluster_file},
                       {"reason", spec.error().to_string()}});
    return 1;
  }
  return onset::nodes::run_cluster_node(node, spec.value(), node_name);
}
