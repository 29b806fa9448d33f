// The probes of docs/api.md, "Health and readiness": open routes (no
// token), for load balancers, Prometheus and scripts. They name components
// and nodes only.
#include "nodes/api/routes.hpp"

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

} // namespace

std::vector<route> health_routes() {
  return {{"GET", "/healthz", action::read, alive, true},
          {"GET", "/readyz", action::read, ready, true}};
}

} // namespace onset::api
