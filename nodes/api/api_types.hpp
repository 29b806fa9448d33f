// What a route of the HTTP API (docs/api.md) sees and answers, without
// httplib or CAF: the server turns an HTTP request into an `api_request`
// for the holder of a valid token, and an `api_response` back into HTTP.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "messages/catalog.hpp"
#include "nodes/api/access.hpp"
#include "nodes/api/health.hpp"
#include "nodes/cli/gateway_client.hpp"

namespace onset::metrics {
class node_metrics;
} // namespace onset::metrics

namespace onset::api {

class webhook_dispatcher;

struct api_request {
  /// The `{...}` segments of the route's path, in order.
  std::vector<std::string> params;
  /// The query string's parameters (the last value of each).
  std::map<std::string, std::string> query;
  std::string body;
  /// The `Idempotency-Key` header, empty if none.
  std::string idempotency_key;
  principal who;
};

struct api_response {
  api_response(int status = 200, nlohmann::json body = nlohmann::json())
    : status(status), body(std::move(body)) {
  }

  int status;
  nlohmann::json body;
  /// Not empty: the answer is `text` of this media type, not `body`.
  std::string content_type;
  std::string text;
};

/// What a route may use to answer.
struct route_context {
  /// A client of this node's GATEWAY for this request's thread.
  cli::gateway_client& gateway;
  std::shared_ptr<const catalog> cat;
  /// The catalog document the node loaded (docs/catalog.md).
  const nlohmann::json& catalog_doc;
  /// What keeps the node from being ready (`/readyz`).
  const readiness_probe& readiness;
  /// The process's metrics (`/metrics`); none: not served.
  metrics::node_metrics* metrics = nullptr;
  /// The node's webhook subscriptions; none: their routes answer 503.
  webhook_dispatcher* webhooks = nullptr;
};

/// `{"error": code, "field": field, "message": message}` with `status`.
api_response error_response(int status, const std::string& code,
                            const std::string& field,
                            const std::string& message);

/// A refusal of the GATEWAY (or no answer from it) as docs/api.md maps it:
/// `invalid_input` 422 with the field its text names, unknown ids 404,
/// conflicts with the contract's or printer's state 409, no answer 503.
api_response gateway_failure(const cli::failure& x);

/// The 404 of an id that does not exist, and of one the token may not see:
/// the same answer, so that ids of other customers cannot be probed.
api_response not_found(const std::string& code, const std::string& what);

/// Page sizes of lists (`limit`): the default and the most a client may ask
/// for.
constexpr long long default_page = 100;
constexpr long long max_page = 1000;

/// The query parameter `name`, empty when absent.
std::string query_text(const api_request& req, const std::string& name);

/// Orders `xs` (items with an `id`) by id, as pages by cursor need them:
/// the GATEWAY lists in its stores' order, which is not the ids' (a cluster
/// concatenates its nodes' lists).
template <class T>
void sort_by_id(std::vector<T>& xs) {
  std::sort(xs.begin(), xs.end(),
            [](const T& x, const T& y) { return x.id.str() < y.id.str(); });
}

/// One page of a list ordered by id: takes items after the request's
/// `cursor` until `limit` are taken, then says where the next page starts.
class id_page {
public:
  id_page(std::string cursor, size_t limit)
    : cursor_(std::move(cursor)), limit_(limit) {
  }

  /// Whether `id` is on an earlier page.
  bool before_cursor(const std::string& id) const {
    return !cursor_.empty() && id <= cursor_;
  }

  /// Adds the item `id`; false (nothing added) once the page is full.
  bool add(const std::string& id, nlohmann::json item);

  /// `{key: [...], "next_cursor": ID or null}`.
  nlohmann::json finish(const char* key);

private:
  std::string cursor_;
  size_t limit_;
  nlohmann::json items_ = nlohmann::json::array();
  std::string last_;
  bool more_ = false;
};

/// A query parameter `name` as a whole number in [min, max], else `fallback`
/// when absent; nullopt and `problem` set when malformed.
std::optional<long long> query_number(const api_request& req,
                                      const std::string& name, long long min,
                                      long long max, long long fallback,
                                      std::optional<api_response>& problem);

} // namespace onset::api
