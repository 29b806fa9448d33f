// The command groups of `onset`. Each `add_*` adds its subcommands to the
// application; a subcommand's callback runs the command once CLI11 has
// parsed and validated the whole command line, and stores the command's
// exit code (nodes/cli/exit_code.hpp) in `rc`.
#pragma once

namespace CLI {
class App;
} // namespace CLI

namespace onset::cli {

/// `check` (offline).
void add_check_command(CLI::App& app, int& rc);

/// `devices add|list`, `device show|set-online`.
void add_devices_commands(CLI::App& app, int& rc);

/// `submit`, `start`, `cancel`, `retry`.
void add_contract_commands(CLI::App& app, int& rc);

/// `status`, `history`, `plan`.
void add_status_commands(CLI::App& app, int& rc);

/// `service show`.
void add_service_commands(CLI::App& app, int& rc);

/// `wait`.
void add_wait_command(CLI::App& app, int& rc);

/// `events`.
void add_events_command(CLI::App& app, int& rc);

/// `webhooks add|list|remove|test`.
void add_webhooks_command(CLI::App& app, int& rc);

} // namespace onset::cli
