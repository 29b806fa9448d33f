// The webhook subscriptions of docs/events.md, "Webhooks": add, list, show,
// remove, and a test delivery. A token limited to customers manages only
// subscriptions limited to one of its customers.
#include <chrono>
#include <string>
#include <vector>

#include "messages/json_input.hpp"
#include "messages/utc_time.hpp"
#include "nodes/api/event_json.hpp"
#include "nodes/api/json_body.hpp"
#include "nodes/api/random_hex.hpp"
#include "nodes/api/routes.hpp"
#include "nodes/api/webhook_dispatcher.hpp"

namespace onset::api {

namespace {

using json = nlohmann::json;

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch())
    .count();
}

/// RFC 3339 (to the second) of `ms` since the Unix epoch; null for 0.
json time_or_null(int64_t ms) {
  if (ms == 0)
    return nullptr;
  return utc_time{ms / 1000}.to_rfc3339();
}

/// A subscription as the API shows it: everything but its secret.
json to_json(const webhook_status& x) {
  auto& sub = x.subscription;
  return json{
    {"id", sub.id},
    {"url", sub.url},
    {"events", sub.events},
    {"customer", sub.customer.empty() ? json(nullptr) : json(sub.customer)},
    {"ca_file", sub.ca_file.empty() ? json(nullptr) : json(sub.ca_file)},
    {"created_by", sub.created_by},
    {"created_at", time_or_null(sub.created_ms)},
    {"cursor", x.progress.cursor},
    {"delivered", x.progress.delivered},
    {"last_success_at", time_or_null(x.progress.last_success_ms)},
    {"backlog", x.backlog},
    {"failed_attempts", x.failed_attempts},
    {"last_error", x.last_error.empty() ? json(nullptr) : json(x.last_error)},
    {"last_error_at", time_or_null(x.last_error_ms)},
    {"failing", x.failing_since_ms != 0},
    {"failing_since", time_or_null(x.failing_since_ms)},
  };
}

/// Whether `req`'s token may see and manage `x`: an unlimited token every
/// subscription, a limited one those of its customers.
bool manages(const api_request& req, const webhook_subscription& x) {
  return req.who.customers.empty()
         || (!x.customer.empty() && req.who.sees(x.customer));
}

api_response store_failure(const persistence::failure& x) {
  return error_response(503, "unavailable", "",
                        "the webhook store failed: "
                          + persistence::to_string(x));
}

api_response unknown_webhook(const std::string& id) {
  return not_found("unknown_webhook", "webhook subscription " + id);
}

/// The subscription of `req`'s body, or the refusal naming its field.
std::variant<webhook_subscription, api_response>
read_subscription(const api_request& req) {
  auto parsed = parse_json_body(req.body);
  if (auto* problem = std::get_if<api_response>(&parsed))
    return std::move(*problem);
  auto& doc = std::get<json>(parsed);
  auto refuse = [](const invalid_input& x) {
    return error_response(422, "invalid_input", x.field, x.to_string());
  };
  if (auto problem = json_input::check_object(
        doc, "", {"url", "events", "customer", "secret", "ca_file"}))
    return refuse(*problem);
  auto url = json_input::required_string(doc, "", "url");
  if (!url)
    return refuse(url.error());
  auto events = json_input::string_array(doc, "", "events", false, true);
  if (!events)
    return refuse(events.error());
  auto customer = json_input::optional_id(doc, "", "customer");
  if (!customer)
    return refuse(customer.error());
  auto secret = json_input::required_string(doc, "", "secret");
  if (!secret)
    return refuse(secret.error());
  auto ca_file = json_input::optional_string(doc, "", "ca_file");
  if (!ca_file)
    return refuse(ca_file.error());
  webhook_subscription x;
  x.url = url.value();
  x.events = events.value();
  x.customer = customer.value();
  x.secret = secret.value();
  x.ca_file = ca_file.value();
  return x;
}

/// `POST /v1/webhooks`: 201 with the subscription; its events are those
/// written after this answer.
api_response add(const api_request& req, route_context& ctx) {
  auto read = read_subscription(req);
  if (auto* problem = std::get_if<api_response>(&read))
    return std::move(*problem);
  auto& x = std::get<webhook_subscription>(read);
  if (auto bad = check_subscription(x)) {
    auto field = bad->substr(0, bad->find(':'));
    return error_response(422, "invalid_input", field, *bad);
  }
  if (!req.who.customers.empty() && x.customer.empty())
    return error_response(403, "forbidden", "customer",
                          "customer: a token limited to customers subscribes "
                          "to one of them");
  if (!manages(req, x))
    return error_response(403, "forbidden", "customer",
                          "customer " + x.customer
                            + " is outside this token's customers");
  auto end = end_cursor(ctx);
  if (!end)
    return gateway_failure(end.error());
  auto cursor = cursor_text(end.value());
  x.id = new_webhook_id();
  x.created_by = req.who.name;
  x.created_ms = now_ms();
  if (auto st = ctx.webhooks->add(x, cursor); !st)
    return store_failure(st.error());
  webhook_status st;
  st.subscription = x;
  st.progress.cursor = cursor;
  return {201, to_json(st)};
}

api_response list(const api_request& req, route_context& ctx) {
  auto all = ctx.webhooks->list();
  if (!all)
    return store_failure(all.error());
  auto out = json::array();
  for (auto& x : *all)
    if (manages(req, x.subscription))
      out.push_back(to_json(x));
  return {200, json{{"webhooks", std::move(out)}}};
}

/// The subscription `req` names, if the token manages it.
std::variant<webhook_status, api_response>
visible_webhook(const api_request& req, route_context& ctx) {
  auto& id = req.params.at(0);
  auto x = ctx.webhooks->find(id);
  if (!x)
    return store_failure(x.error());
  if (!*x || !manages(req, (*x)->subscription))
    return unknown_webhook(id);
  return std::move(**x);
}

api_response show(const api_request& req, route_context& ctx) {
  auto x = visible_webhook(req, ctx);
  if (auto* problem = std::get_if<api_response>(&x))
    return std::move(*problem);
  return {200, to_json(std::get<webhook_status>(x))};
}

api_response remove(const api_request& req, route_context& ctx) {
  auto x = visible_webhook(req, ctx);
  if (auto* problem = std::get_if<api_response>(&x))
    return std::move(*problem);
  auto& id = req.params.at(0);
  auto removed = ctx.webhooks->remove(id);
  if (!removed)
    return store_failure(removed.error());
  if (!*removed)
    return unknown_webhook(id);
  return {200, json{{"id", id}, {"removed", true}}};
}

/// `POST /v1/webhooks/{id}/test`: POSTs a `webhook.test` event to the
/// subscriber now, signed like every event, outside the feed (its cursor
/// does not move), and answers what came back.
api_response test(const api_request& req, route_context& ctx) {
  auto x = visible_webhook(req, ctx);
  if (auto* problem = std::get_if<api_response>(&x))
    return std::move(*problem);
  auto& sub = std::get<webhook_status>(x).subscription;
  auto event_id = random_hex(16);
  json event{{"id", event_id},
             {"at", time_or_null(now_ms())},
             {"type", "webhook.test"},
             {"subscription", sub.id},
             {"by", req.who.name}};
  auto body = event.dump();
  webhook_poster poster{std::get<webhook_url>(parse_webhook_url(sub.url)),
                        sub.ca_file, ctx.webhooks->options().post};
  auto answer = poster.post(event_id, "webhook.test", body,
                            webhook_signature(sub.secret, body));
  return {200, json{{"id", sub.id},
                    {"event_id", event_id},
                    {"delivered", answer.delivered},
                    {"status", answer.status},
                    {"error", answer.error.empty() ? json(nullptr)
                                                   : json(answer.error)}}};
}

/// `handler`, or 503 on a node that delivers no webhooks.
route_handler needing_webhooks(route_handler handler) {
  return [handler](const api_request& req, route_context& ctx) {
    if (ctx.webhooks == nullptr)
      return error_response(503, "unavailable", "",
                            "this node delivers no webhooks");
    return handler(req, ctx);
  };
}

} // namespace

std::vector<route> webhook_routes() {
  auto needs = action::manage_webhooks;
  return {
    {"POST", "/v1/webhooks", needs, needing_webhooks(add)},
    {"GET", "/v1/webhooks", needs, needing_webhooks(list)},
    {"GET", "/v1/webhooks/{id}", needs, needing_webhooks(show)},
    {"DELETE", "/v1/webhooks/{id}", needs, needing_webhooks(remove)},
    {"POST", "/v1/webhooks/{id}/test", needs, needing_webhooks(test)},
  };
}

} // namespace onset::api
