// `onset-node`: runs a node (by default every role on loopback, data in
// ./onset-data), or inspects a stopped node's data. Wiring only.
#include <CLI/CLI.hpp>

#include "nodes/embedded_node.hpp"
#include "nodes/inspect_command.hpp"
#include "nodes/logging.hpp"
#include "nodes/node_options_cli.hpp"

int main(int argc, char** argv) {
  CLI::App app{"onset-node: an Onset node (GATEWAY, contracts, devices and "
               "services in one process)"};
  onset::node_options node;
  node.catalog_file = ONSET_DEFAULT_CATALOG;
  onset::add_node_options(app, node);
  onset::inspect_options inspect;
  auto* inspect_cmd = app.add_subcommand(
    "inspect", "Report, from a stopped node's data, how often each "
               "instruction was applied (exit 1 if any twice or missing)");
  inspect_cmd->add_option("--data-dir", inspect.data_dir, "Data directory")
    ->capture_default_str();
  inspect_cmd->add_flag("--json", inspect.json, "Print JSON");
  inspect_cmd->add_flag("--verbose", inspect.verbose, "List every stream");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (*inspect_cmd) {
    onset::setup_logging("warn", "text");
    return onset::run_inspect(inspect);
  }
  if (auto problem = onset::setup_logging(node.log_level, node.log_format)) {
    std::fprintf(stderr, "onset-node: %s\n", problem->c_str());
    return 2;
  }
  return onset::run_embedded_node(node);
}
