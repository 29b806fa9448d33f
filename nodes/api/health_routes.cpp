// The open routes (no token) of docs/api.md: the probes ("Health and
// readiness"), for load balancers, systemd and scripts, and the metrics
// ("Metrics"), for Prometheus. They name components, nodes and route
// patterns only, never a customer, contract or printer.
#include "nodes/api/routes.hpp"

#include "messages/metrics/metrics.hpp"

namespace onset::api {

namespace {

using json = nlohmann::json;

/// `GET /healthz`: the process serves requests.
api_response alive(const api_request&, route_context&) {
  return {200, json{{"alive", true}}};
}

/// `GET /readyz`: 200 when nothing keeps the node from serving, else 503
/// with every reason.
api_response ready(const api_request&, route_context& ctx) {
  auto problems = ctx.readiness();
  auto listed = json::array();
  for (auto& x : problems)
    listed.push_back(
      {{"component", x.component}, {"node", x.node}, {"reason", x.reason}});
  return {problems.empty() ? 200 : 503,
          json{{"ready", problems.empty()}, {"not_ready", std::move(listed)}}};
}

/// `GET /metrics`: the node's metrics in the Prometheus text format.
api_response metrics_text(const api_request&, route_context& ctx) {
  if (ctx.metrics == nullptr)
    return not_found("not_found", "this node keeps no metrics");
  api_response result;
  result.content_type = metrics::node_metrics::content_type();
  result.text = ctx.metrics->scrape();
  return result;
}

} // namespace

std::vector<route> health_routes() {
  return {{"GET", "/healthz", action::read, alive, true},
          {"GET", "/readyz", action::read, ready, true},
          {"GET", "/metrics", action::read, metrics_text, true}};
}

} // namespace onset::api
