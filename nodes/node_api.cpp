#include "nodes/node_api.hpp"

#include <fstream>
#include <optional>
#include <sstream>

#include <caf/actor.hpp>

#include "messages/log.hpp"
#include "nodes/api/token_command.hpp"
#include "nodes/api/webhook_dispatcher.hpp"
#include "nodes/node_runtime.hpp"

namespace onset::nodes {

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in{path};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// Opens the webhook store of `options.data_dir` and starts delivering its
/// subscriptions; why not, if it cannot.
std::optional<std::string>
start_webhooks(running_api& x, caf::actor_system& sys, const caf::actor& gw,
               const node_options& options, metrics::node_metrics* metrics) {
  auto dir = api::webhooks_directory(options.data_dir);
  if (auto problem = api::make_private_directory(dir))
    return "webhooks: " + *problem;
  auto store = api::webhook_store::open(dir);
  if (!store)
    return "webhooks: " + persistence::to_string(store.error());
  x.webhook_subscriptions = std::move(*store);
  x.webhooks = std::make_unique<api::webhook_dispatcher>(
    sys, gw, *x.webhook_subscriptions, options.webhooks, metrics);
  if (auto st = x.webhooks->start(); !st)
    return "webhooks: " + persistence::to_string(st.error());
  return std::nullopt;
}

} // namespace

running_api::~running_api() {
  if (server)
    server->stop();
  if (webhooks)
    webhooks->stop();
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
  if (gateway) {
    if (auto problem = start_webhooks(*result, sys, gateway, options,
                                      metrics.get()))
      return *problem;
  }
  result->data_dir = options.data_dir;
  result->server = std::make_unique<api::api_server>(
    options.api, sys, gateway, *result->tokens, std::move(cat),
    read_text(options.catalog_file), std::move(readiness), std::move(metrics));
  auto bound = result->server->bind();
  if (auto* problem = std::get_if<std::string>(&bound))
    return *problem;
  auto port = std::get<uint16_t>(bound);
  result->server->set_webhooks(result->webhooks.get());
  result->server->start();
  write_port_file(options.data_dir, "http.port", port);
  log::info("api.listening", {{"host", options.api.host},
                              {"port", port},
                              {"tls", !options.api.tls_cert.empty()},
                              {"routes", gateway ? "all" : "open"}});
  return result;
}

} // namespace onset::nodes
