#include "nodes/cli/server_options.hpp"

#include <cmath>
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "config/catalog_loader.hpp"
#include "nodes/cli/exit_code.hpp"
#include "nodes/cli/read_file.hpp"

namespace onset::cli {

namespace {

std::string check_server(const std::string& text) {
  if (parse_server_url(text))
    return {};
  return "'" + text + "' is not http://HOST[:PORT] or https://HOST[:PORT]";
}

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string{} : std::string{value};
}

/// `text` without leading and trailing white space.
std::string trimmed(const std::string& text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos)
    return {};
  auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

/// The token in `file`, or empty and `problem` set (naming `what`).
std::string token_in(const std::string& file, const std::string& what,
                     std::string& problem) {
  auto content = read_file(file);
  if (!content) {
    problem = what + ": " + file + " cannot be read";
    return {};
  }
  auto token = trimmed(*content);
  if (token.empty() || token.find_first_of(" \t\r\n") != std::string::npos)
    problem = what + ": " + file + " does not hold one token";
  return token;
}

} // namespace

void add_server_address_options(CLI::App& cmd, server_options& options) {
  cmd
    .add_option("--server", options.server,
                std::string{"URL of the node's HTTP API (also $ONSET_SERVER; "
                            "default "}
                  + default_server + ")")
    ->check(CLI::Validator{check_server, "URL", "server URL"});
  auto* token = cmd.add_option("--token", options.token,
                               "API token (also $ONSET_TOKEN; default: the "
                               "node's admin.token, see --data-dir)");
  cmd
    .add_option("--token-file", options.token_file,
                "File holding the API token")
    ->excludes(token);
  cmd.add_option("--data-dir", options.data_dir,
                 "Data directory of the local node whose admin.token to use "
                 "(also $ONSET_DATA_DIR; default ./onset-data if it has one)");
  cmd
    .add_option("--cacert", options.cacert,
                "For https: CA certificates (PEM) to trust (also "
                "$ONSET_CACERT)")
    ->check(CLI::ExistingFile);
}

void add_server_options(CLI::App& cmd, server_options& options) {
  add_server_address_options(cmd, options);
  cmd
    .add_option("--timeout", options.timeout_seconds,
                "Seconds to wait for the server, per request")
    ->check(CLI::PositiveNumber)
    ->capture_default_str();
}

std::string resolve_token(const server_options& options, std::string& problem) {
  if (!options.token.empty())
    return options.token;
  if (!options.token_file.empty())
    return token_in(options.token_file, "--token-file", problem);
  if (auto token = env_or_empty("ONSET_TOKEN"); !token.empty())
    return token;
  auto dir = options.data_dir.empty() ? env_or_empty("ONSET_DATA_DIR")
                                      : options.data_dir;
  if (!dir.empty())
    return token_in(dir + "/admin.token", "--data-dir", problem);
  auto fallback = std::string{default_data_dir} + "/admin.token";
  if (!read_file(fallback))
    return {};
  return token_in(fallback, "the local node's admin token", problem);
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

reply<catalog> node_catalog(api_client& api) {
  auto text = api.catalog_text();
  if (!text)
    return text.error();
  auto cat = config::parse_catalog(text.value());
  if (!cat)
    return failure{failure::unreachable,
                   "the node's catalog (GET /v1/catalog) does not load: "
                     + cat.error().to_string()};
  return std::move(cat.value());
}

api_client::duration to_timeout(double seconds) {
  auto ms = static_cast<long long>(std::llround(seconds * 1000));
  return api_client::duration{ms < 1 ? 1 : ms};
}

int with_server(const server_options& options,
                const std::function<int(api_client&)>& body) {
  auto server = options.server;
  if (server.empty())
    server = env_or_empty("ONSET_SERVER");
  if (server.empty())
    server = default_server;
  auto url = parse_server_url(server);
  if (!url) {
    std::cerr << "onset: $ONSET_SERVER: " << check_server(server) << '\n';
    return exit_usage;
  }
  std::string problem;
  api_client_options o;
  o.server = *url;
  o.token = resolve_token(options, problem);
  if (!problem.empty()) {
    std::cerr << "onset: " << problem << '\n';
    return exit_refused;
  }
  o.cacert = options.cacert.empty() ? env_or_empty("ONSET_CACERT")
                                    : options.cacert;
  if (!o.cacert.empty() && !read_file(o.cacert)) {
    std::cerr << "onset: $ONSET_CACERT: " << o.cacert << " cannot be read\n";
    return exit_refused;
  }
  o.timeout = to_timeout(options.timeout_seconds);
  api_client client{std::move(o)};
  return body(client);
}

} // namespace onset::cli
