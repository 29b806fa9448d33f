// What every command that talks to a node takes: where its HTTP API listens
// (docs/api.md), the token to show it, the certificates to trust, and how
// long to wait. Also the one place where a failed request turns into an
// exit code and a line on stderr.
#pragma once

#include <functional>
#include <string>

#include "messages/catalog.hpp"
#include "nodes/cli/api_client.hpp"

namespace CLI {
class App;
} // namespace CLI

namespace onset::cli {

/// The embedded node's default `--http-port` on loopback.
constexpr const char* default_server = "http://127.0.0.1:7080";

/// The embedded node's default `--data-dir` (relative, as onset-node takes
/// it): where the CLI looks for `admin.token` when told nothing else.
constexpr const char* default_data_dir = "onset-data";

/// The options as given on the command line; empty when not given. The
/// environment ($ONSET_SERVER, $ONSET_TOKEN, $ONSET_DATA_DIR, $ONSET_CACERT)
/// is read when the command runs, not by CLI11: the commands of a group
/// share one options struct, and CLI11 fills the options of the commands
/// not run from the environment too.
struct server_options {
  /// `--server`, else $ONSET_SERVER, else `default_server`.
  std::string server;
  std::string token;
  std::string token_file;
  /// `--data-dir`, else $ONSET_DATA_DIR: the node whose admin.token to use.
  std::string data_dir;
  /// `--cacert`, else $ONSET_CACERT: for https, the certificates (PEM) the
  /// server's must chain to.
  std::string cacert;
  /// How long the connect and each request wait, in seconds.
  double timeout_seconds = 10;
};

/// Adds `--server`, `--token`, `--token-file`, `--data-dir`, `--cacert`
/// and `--timeout` to `cmd`, validated by CLI11 (a malformed value is a
/// usage error).
void add_server_options(CLI::App& cmd, server_options& options);

/// The same without `--timeout` (for commands whose `--timeout` means more
/// than one request, such as `onset wait`).
void add_server_address_options(CLI::App& cmd, server_options& options);

/// The token to send, in this order: `--token`, `--token-file`,
/// $ONSET_TOKEN, then `DIR/admin.token` with DIR `--data-dir` or
/// $ONSET_DATA_DIR, else `./onset-data/admin.token` if it can be read; empty
/// if none (the API answers 401). A token file (or the admin.token of a
/// named data directory) that cannot be read, or holds no token, is
/// `problem`.
std::string resolve_token(const server_options& options, std::string& problem);

/// Prints `problem` to stderr (`onset: refused: ...` or `onset: ...`) and
/// returns its exit code: 1 refused, 3 unreachable, 5 partial.
int report(const failure& problem);

/// Runs `body` with a client of the API that `options` name; returns
/// `body`'s exit code, or 1 after reporting a token that cannot be read.
int with_server(const server_options& options,
                const std::function<int(api_client&)>& body);

/// The catalog the node loaded (GET /v1/catalog), loaded as the node loads
/// one; a catalog that does not load is a malformed answer (unreachable).
reply<catalog> node_catalog(api_client& api);

/// `seconds` as a request timeout (at least 1 ms).
api_client::duration to_timeout(double seconds);

} // namespace onset::cli
