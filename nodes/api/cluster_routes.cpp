// The cluster route of docs/api.md: every node and its status, as
// `onset cluster` shows them.
#include "nodes/api/routes.hpp"
#include "nodes/cli/view_json.hpp"

namespace onset::api {

namespace {

using json = nlohmann::json;

/// `GET /v1/cluster`. The nodes hold every customer's contracts and
/// printers, so a token limited to customers may not read their counts.
api_response cluster_nodes(const api_request& req, route_context& ctx) {
  if (!req.who.customers.empty())
    return error_response(403, "forbidden", "",
                          "a token limited to customers may not read the "
                          "cluster's nodes");
  auto nodes = ctx.gateway.nodes();
  if (!nodes)
    return gateway_failure(nodes.error());
  auto out = json::array();
  for (auto& x : nodes.value())
    out.push_back(cli::to_json(x));
  return {200, json{{"nodes", std::move(out)}}};
}

} // namespace

std::vector<route> cluster_routes() {
  return {{"GET", "/v1/cluster", action::read, cluster_nodes}};
}

} // namespace onset::api
