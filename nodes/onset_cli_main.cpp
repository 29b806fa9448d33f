// `onset`, the operator CLI. Wiring only: commands live in nodes/cli/.
#include <CLI/CLI.hpp>

#include "nodes/cli/check_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"onset: operator CLI for the Onset provisioning system"};
  app.require_subcommand(1);
  onset::cli::check_options check;
  check.catalog_file = ONSET_DEFAULT_CATALOG;
  auto* check_cmd = app.add_subcommand(
    "check", "Validate contract files offline and print the desired state "
             "computed for each");
  check_cmd->add_option("--catalog", check.catalog_file, "Catalog file")
    ->capture_default_str();
  check_cmd->add_option("--devices", check.devices_file,
                        "JSON file of device records")
    ->required();
  check_cmd->add_option("contracts", check.contract_files,
                        "Contract files (one contract or an array each)")
    ->required();
  check_cmd->add_flag("--json", check.json, "Print JSON");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    auto rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (*check_cmd)
    return onset::cli::run_check(check);
  return 2;
}
