#include "nodes/node_api.hpp"

#include <fstream>
#include <sstream>

#include <caf/actor.hpp>

#include "messages/log.hpp"
#include "nodes/api/token_command.hpp"
#include "nodes/node_runtime.hpp"

namespace onset::nodes {

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in{path};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

} // namespace

running_api::~running_api() {
  if (server)
    server->stop();
  remove_port_file(data_dir, "http.port");
}

std::variant<std::unique_ptr<running_api>, std::string>
start_api(caf::actor_system& sys, const caf::actor& gateway,
          const node_options& options, bool embedded,
          std::shared_ptr<const catalog> cat, api::readiness_probe readiness,
          std::shared_ptr<metrics::node_metrics> metrics) {
  if (auto problem = api::check_api_options(options.api))
    return *problem;
  if (auto problem
      = api::make_private_directory(api::tokens_directory(options.data_dir)))
    return "tokens: " + *problem;
  auto tokens = api::token_store::open(api::tokens_directory(options.data_dir));
  if (!tokens)
    return "tokens: " + persistence::to_string(tokens.error());
  if (embedded) {
    try {
      if (auto written = api::ensure_admin_token(**tokens, options.data_dir);
          !written.empty())
        log::info("api.admin_token_created", {{"file", written}});
    } catch (const std::exception& e) {
      return std::string{"admin token: "} + e.what();
    }
  }
  auto result = std::make_unique<running_api>();
  result->tokens = std::move(*tokens);
  result->data_dir = options.data_dir;
  result->server = std::make_unique<api::api_server>(
    options.api, sys, gateway, *result->tokens, std::move(cat),
    read_text(options.catalog_file), std::move(readiness), std::move(metrics));
  auto bound = result->server->bind();
  if (auto* problem = std::get_if<std::string>(&bound))
    return *problem;
  auto port = std::get<uint16_t>(bound);
  result->server->start();
  write_port_file(options.data_dir, "http.port", port);
  log::info("api.listening", {{"host", options.api.host},
                              {"port", port},
                              {"tls", !options.api.tls_cert.empty()},
                              {"routes", gateway ? "all" : "open"}});
  return result;
}

} // namespace onset::nodes
