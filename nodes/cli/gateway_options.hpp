// What every command that talks to the GATEWAY takes: where it listens and
// how long to wait for it. Also the one place where a failed request turns
// into an exit code and a line on stderr.
#pragma once

#include <functional>
#include <string>

#include "nodes/cli/gateway_client.hpp"

namespace CLI {
class App;
} // namespace CLI

namespace onset::cli {

constexpr const char* default_gateway = "127.0.0.1:7411";

struct gateway_options {
  /// `host:port`; `--gateway`, else $ONSET_GATEWAY, else the local default.
  std::string address = default_gateway;
  /// How long the connect and each request wait, in seconds.
  double timeout_seconds = 10;
};

/// Adds `--gateway` and `--timeout` to `cmd`; both are validated by CLI11
/// (a malformed value is a usage error).
void add_gateway_options(CLI::App& cmd, gateway_options& options);

/// Adds only `--gateway` (for commands whose `--timeout` means more than one
/// request, such as `onset wait`).
void add_gateway_address_option(CLI::App& cmd, gateway_options& options);

/// Prints `problem` to stderr (`onset: refused: ...` or `onset: ...`) and
/// returns its exit code: 1 refused, 3 unreachable, 5 partial.
int report(const failure& problem);

/// Connects as `options` say and runs `body` with the client; returns
/// `body`'s exit code, or the connect failure's after reporting it. A
/// stranded connect (failure::stranded) ends the process here.
int with_gateway(const gateway_options& options,
                 const std::function<int(gateway_client&)>& body);

/// `seconds` as a request timeout (at least 1 ms).
gateway_client::duration to_timeout(double seconds);

} // namespace onset::cli
