// The routes of the HTTP API (docs/api.md, docs/openapi.json): one table,
// which the server registers and `onset-node api-routes --check` compares
// with the OpenAPI document, both ways.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "nodes/api/api_types.hpp"

namespace onset::api {

using route_handler
  = std::function<api_response(const api_request&, route_context&)>;

struct route {
  /// `GET`, `POST`.
  std::string method;
  /// OpenAPI form: `/v1/contracts/{id}`.
  std::string path;
  /// What the token's role must allow.
  action needs = action::read;
  route_handler handle;
  /// Answered without a token, by every node that serves HTTP (a node
  /// without the gateway role serves only these): the probes and the
  /// metrics, which reveal nothing secret.
  bool open = false;
};

/// Contracts: submit, start, cancel, retry, list, one, history, plan.
std::vector<route> contract_routes();

/// Printers, services and the catalog.
std::vector<route> printer_routes();

/// The cluster's nodes.
std::vector<route> cluster_routes();

/// The event feed.
std::vector<route> event_routes();

/// The cursor at the end of every contracts node's feed as it is now (what
/// `GET /v1/events?after=end` stands for, and where a new webhook
/// subscription starts): a reader from there sees only later events.
cli::reply<std::vector<event_page>> end_cursor(route_context& ctx);

/// Webhook subscriptions (docs/events.md, "Webhooks").
std::vector<route> webhook_routes();

/// The open routes: the probes `/healthz`, `/readyz`, and `/metrics`.
std::vector<route> health_routes();

/// Every route of the API.
std::vector<route> all_routes();

/// Compares the routes with the OpenAPI document `openapi` (its `paths`);
/// one line per route missing on either side, empty when they agree.
std::vector<std::string> compare_with_openapi(const std::vector<route>& xs,
                                              const nlohmann::json& openapi);

} // namespace onset::api
