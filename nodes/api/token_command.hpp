// `onset-node token create|list|revoke` (docs/api.md, "Tokens and roles"):
// manages the tokens of a node's data directory, whether the node runs or
// not. Exit codes: 0 done, 1 refused (a name in use, no such token, a
// storage failure), 2 bad usage (CLI11's parse errors, a bad role or name,
// each naming the option). No CAF in this header.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace onset::api {

class token_store;

struct token_options {
  std::string data_dir = "onset-data";
  std::string name;
  std::string role;
  std::vector<std::string> customers;
  bool json = false;
  CLI::App* create = nullptr;
  CLI::App* list = nullptr;
  CLI::App* revoke = nullptr;
};

/// Adds `token` and its subcommands to `app`; returns the `token` command.
CLI::App* add_token_command(CLI::App& app, token_options& o);

/// Runs the subcommand `o` was parsed for; prints on stdout, errors on
/// stderr. Returns the exit code.
int run_token_command(const token_options& o);

/// Creates `dir` (and its parents) for its owner only (mode 0700); why
/// not, if it cannot.
std::optional<std::string> make_private_directory(const std::string& dir);

/// The tokens directory of data directory `data_dir`.
std::string tokens_directory(const std::string& data_dir);

/// On a node's first start: if `store` (the store of `data_dir`) holds no
/// token, creates `admin` (role admin) and writes it to
/// `DATA_DIR/admin.token`, mode 0600, so that the CLI on the same machine
/// finds it. Returns the path written, empty when tokens existed; throws
/// std::runtime_error when the store or the file cannot be written.
std::string ensure_admin_token(token_store& store, const std::string& data_dir);

} // namespace onset::api
