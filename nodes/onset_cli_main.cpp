// `onset`, the operator CLI. Wiring only: commands live in nodes/cli/.
#include <CLI/CLI.hpp>

#include "nodes/cli/cluster_command.hpp"
#include "nodes/cli/commands.hpp"
#include "nodes/cli/exit_code.hpp"
#include "nodes/version.hpp"

int main(int argc, char** argv) {
  using namespace onset::cli;
  CLI::App app{"onset: operator CLI for the Onset provisioning system"};
  app.require_subcommand(1);
  app.set_version_flag("--version", onset::nodes::version_line("onset"));
  int rc = exit_ok;
  add_check_command(app, rc);
  add_devices_commands(app, rc);
  add_contract_commands(app, rc);
  add_status_commands(app, rc);
  add_service_commands(app, rc);
  add_wait_command(app, rc);
  add_events_command(app, rc);
  add_webhooks_command(app, rc);
  add_cluster_command(app, rc);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? exit_ok : exit_usage;
  }
  return rc;
}
