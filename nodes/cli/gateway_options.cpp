#include "nodes/cli/gateway_options.hpp"

#include <cmath>
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "nodes/cli/endpoint.hpp"
#include "nodes/cli/exit_code.hpp"

namespace onset::cli {

namespace {

std::string check_endpoint(const std::string& text) {
  if (parse_endpoint(text))
    return {};
  return "'" + text + "' is not host:port (port 1..65535)";
}

} // namespace

void add_gateway_address_option(CLI::App& cmd, gateway_options& options) {
  cmd
    .add_option("--gateway", options.address,
                "Gateway address host:port (also $ONSET_GATEWAY)")
    ->envname("ONSET_GATEWAY")
    ->check(CLI::Validator{check_endpoint, "HOST:PORT", "endpoint"})
    ->capture_default_str();
}

void add_gateway_options(CLI::App& cmd, gateway_options& options) {
  add_gateway_address_option(cmd, options);
  cmd
    .add_option("--timeout", options.timeout_seconds,
                "Seconds to wait for the gateway, per request")
    ->check(CLI::PositiveNumber)
    ->capture_default_str();
}

int report(const failure& problem) {
  if (problem.kind == failure::refused) {
    std::cerr << "onset: refused: " << problem.text << '\n';
    return exit_refused;
  }
  if (problem.kind == failure::partial) {
    std::cerr << "onset: " << problem.text << '\n';
    return exit_partial;
  }
  std::cerr << "onset: " << problem.text << '\n';
  return exit_unreachable;
}

gateway_client::duration to_timeout(double seconds) {
  auto ms = static_cast<long long>(std::llround(seconds * 1000));
  return gateway_client::duration{ms < 1 ? 1 : ms};
}

int with_gateway(const gateway_options& options,
                 const std::function<int(gateway_client&)>& body) {
  auto where = parse_endpoint(options.address);
  if (!where) {
    std::cerr << "onset: " << check_endpoint(options.address) << '\n';
    return exit_usage;
  }
  auto client = gateway_client::connect(*where,
                                        to_timeout(options.timeout_seconds));
  if (!client) {
    auto rc = report(client.error());
    if (client.error().stranded) {
      std::cout.flush();
      std::cerr.flush();
      std::_Exit(rc);
    }
    return rc;
  }
  return body(*client.value());
}

} // namespace onset::cli
