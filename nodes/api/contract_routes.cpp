// The contract routes of docs/api.md. A token limited to customers sees
// only their contracts: any other id is answered exactly as an unknown one.
#include <optional>
#include <variant>

#include "messages/contract_json.hpp"
#include "messages/contract_state.hpp"
#include "nodes/api/json_body.hpp"
#include "nodes/api/routes.hpp"
#include "nodes/cli/view_json.hpp"

namespace onset::api {

namespace {

using json = nlohmann::json;

/// The largest array of documents one submission takes.
constexpr size_t max_documents = 1000;

/// The contract `id` if the token may see it, else the 404 of an unknown
/// contract.
std::variant<contract_view, api_response>
visible_contract(const api_request& req, route_context& ctx,
                 const std::string& id) {
  auto view = ctx.gateway.contract_details(contract_id{id});
  if (!view && view.error().code == "unknown_contract")
    return not_found("unknown_contract", "contract " + id);
  if (!view)
    return gateway_failure(view.error());
  if (!req.who.sees(view.value().summary.customer.str()))
    return not_found("unknown_contract", "contract " + id);
  return std::move(view.value());
}

/// Why the token may not submit `doc` (field prefix `field`): a customer
/// outside its own, a contract id or a printer of another customer (told
/// as unknown, never naming the other customer). Nullopt if it may.
std::optional<api_response> check_scope(const api_request& req,
                                        route_context& ctx, const contract& doc,
                                        const std::string& field) {
  if (!req.who.sees(doc.customer.str()))
    return error_response(403, "forbidden", field + "customer",
                          "customer " + doc.customer.str()
                            + " is outside this token's customers");
  if (req.who.customers.empty())
    return std::nullopt;
  if (auto known = ctx.gateway.contract_details(doc.id);
      known && !req.who.sees(known.value().summary.customer.str()))
    return error_response(409, "conflict", field + "id",
                          "contract id " + doc.id.str()
                            + " cannot be used by this token");
  for (size_t i = 0; i < doc.devices.size(); ++i) {
    auto printer = ctx.gateway.device(doc.devices[i]);
    if (printer
        && !req.who.sees(printer.value().state.registration.customer.str()))
      return error_response(
        422, "unknown_device", field + "devices[" + std::to_string(i) + "]",
        "printer " + doc.devices[i].str() + " is not registered");
  }
  return std::nullopt;
}

/// The documents of a submission: one object or an array, each checked
/// against the catalog; the `Idempotency-Key` header becomes the event id
/// of documents without one (`KEY` for one document, `KEY/INDEX` for an
/// array's).
std::variant<std::vector<contract>, api_response>
read_documents(const api_request& req, route_context& ctx, bool& many) {
  auto parsed = parse_json_items(req.body, max_documents, "document", many);
  if (auto* problem = std::get_if<api_response>(&parsed))
    return std::move(*problem);
  auto& items = std::get<std::vector<json>>(parsed);
  std::vector<contract> result;
  for (size_t i = 0; i < items.size(); ++i) {
    auto field = many ? "[" + std::to_string(i) + "]." : std::string{};
    auto x = contract_from_json(items[i], *ctx.cat, field);
    if (!x)
      return error_response(422, "invalid_input", x.error().field,
                            x.error().to_string());
    if (x.value().event_id.empty() && !req.idempotency_key.empty())
      x.value().event_id = many ? req.idempotency_key + "/" + std::to_string(i)
                                : req.idempotency_key;
    if (auto refused = check_scope(req, ctx, x.value(), field))
      return std::move(*refused);
    result.push_back(std::move(x.value()));
  }
  return result;
}

api_response submit(const api_request& req, route_context& ctx) {
  bool many = false;
  auto docs = read_documents(req, ctx, many);
  if (auto* problem = std::get_if<api_response>(&docs))
    return std::move(*problem);
  auto results = ctx.gateway.submit(std::get<std::vector<contract>>(docs));
  if (!results)
    return gateway_failure(results.error());
  auto out = json::array();
  for (auto& x : results.value())
    out.push_back(cli::to_json(x));
  return {200, many ? out : out.front()};
}

/// `fn(id)` on a contract the token may see.
template <class F>
api_response on_contract(const api_request& req, route_context& ctx, F fn) {
  auto& id = req.params.at(0);
  auto view = visible_contract(req, ctx, id);
  if (auto* problem = std::get_if<api_response>(&view))
    return std::move(*problem);
  return fn(contract_id{id}, std::get<contract_view>(view));
}

/// The answer to a change: the contract as it is now.
api_response after_change(route_context& ctx, const contract_id& id,
                          const cli::reply<cli::done>& done) {
  if (!done)
    return gateway_failure(done.error());
  auto now = ctx.gateway.contract_details(id);
  if (!now)
    return {200, json{{"id", id.str()}}};
  return {200, cli::to_json(now.value().summary)};
}

api_response start(const api_request& req, route_context& ctx) {
  auto parsed = parse_json_body(req.body.empty() ? "{}" : req.body);
  if (auto* problem = std::get_if<api_response>(&parsed))
    return std::move(*problem);
  auto& doc = std::get<json>(parsed);
  if (!doc.is_object())
    return error_response(422, "invalid_input", "", "the body is an object");
  std::string event_id = req.idempotency_key;
  if (auto i = doc.find("event_id"); i != doc.end()) {
    if (!i->is_string() || i->get<std::string>().empty())
      return error_response(422, "invalid_input", "event_id",
                            "event_id: a non-empty string");
    event_id = i->get<std::string>();
  }
  return on_contract(req, ctx, [&](const contract_id& id, contract_view&) {
    return after_change(ctx, id, ctx.gateway.start(id, event_id));
  });
}

api_response cancel(const api_request& req, route_context& ctx) {
  return on_contract(req, ctx, [&](const contract_id& id, contract_view&) {
    return after_change(ctx, id, ctx.gateway.cancel(id));
  });
}

api_response retry(const api_request& req, route_context& ctx) {
  return on_contract(req, ctx, [&](const contract_id& id, contract_view&) {
    return after_change(ctx, id, ctx.gateway.retry(id));
  });
}

api_response one(const api_request& req, route_context& ctx) {
  return on_contract(req, ctx, [](const contract_id&, contract_view& view) {
    return api_response{200, cli::to_json(view)};
  });
}

/// The steps of a plan as `{"steps": [...]}`.
api_response steps_answer(cli::reply<std::vector<instruction>> steps) {
  if (!steps)
    return gateway_failure(steps.error());
  auto out = json::array();
  for (auto& x : steps.value())
    out.push_back(to_json(x));
  return api_response{200, json{{"steps", std::move(out)}}};
}

api_response plan(const api_request& req, route_context& ctx) {
  return on_contract(req, ctx, [&](const contract_id& id, contract_view&) {
    return steps_answer(ctx.gateway.plan(id));
  });
}

/// `POST /v1/contracts/{id}/plan`: the steps the contract would send once
/// its node restarts with the catalog in the body (docs/catalog.md), which
/// the node checks with its own loader. Nothing changes.
api_response plan_against(const api_request& req, route_context& ctx) {
  auto parsed = parse_json_body(req.body);
  if (auto* problem = std::get_if<api_response>(&parsed))
    return std::move(*problem);
  if (!std::get<json>(parsed).is_object())
    return error_response(422, "invalid_input", "body",
                          "body: a catalog document (an object)");
  return on_contract(req, ctx, [&](const contract_id& id, contract_view&) {
    return steps_answer(ctx.gateway.plan(id, req.body));
  });
}

api_response history(const api_request& req, route_context& ctx) {
  std::optional<api_response> problem;
  auto after = query_number(req, "cursor", 0, 1LL << 62, 0, problem);
  auto limit = query_number(req, "limit", 1, max_page, default_page, problem);
  if (problem)
    return std::move(*problem);
  return on_contract(req, ctx, [&](const contract_id& id, contract_view&) {
    auto lines = ctx.gateway.history(id);
    if (!lines)
      return gateway_failure(lines.error());
    auto& xs = lines.value();
    auto out = json::array();
    auto first = static_cast<size_t>(*after);
    auto last = std::min(xs.size(), first + static_cast<size_t>(*limit));
    for (auto i = first; i < last; ++i)
      out.push_back(cli::to_json(xs[i]));
    json page{{"entries", std::move(out)}};
    page["next_cursor"] = last < xs.size() ? json(std::to_string(last))
                                           : json(nullptr);
    return api_response{200, std::move(page)};
  });
}

/// `GET /v1/contracts?state=&customer=&device=&cursor=&limit=`: by id;
/// `cursor` is the last id of the previous page.
api_response list(const api_request& req, route_context& ctx) {
  std::optional<api_response> problem;
  auto limit = query_number(req, "limit", 1, max_page, default_page, problem);
  if (problem)
    return std::move(*problem);
  std::optional<contract_state> state;
  if (auto i = req.query.find("state"); i != req.query.end()) {
    state = parse_contract_state(i->second);
    if (!state)
      return error_response(400, "invalid_input", "state",
                            "state: not a contract state: " + i->second);
  }
  auto customer = query_text(req, "customer");
  auto device = query_text(req, "device");
  id_page page{query_text(req, "cursor"), static_cast<size_t>(*limit)};
  auto all = device.empty() ? ctx.gateway.list_contracts()
                            : ctx.gateway.contracts_naming(device_id{device});
  if (!all)
    return gateway_failure(all.error());
  sort_by_id(all.value());
  for (auto& x : all.value()) {
    if (page.before_cursor(x.id.str()))
      continue;
    if (!req.who.sees(x.customer.str())
        || (!customer.empty() && x.customer.str() != customer)
        || (state && x.state != *state))
      continue;
    if (!page.add(x.id.str(), cli::to_json(x)))
      break;
  }
  return {200, page.finish("contracts")};
}

} // namespace

std::vector<route> contract_routes() {
  return {
    {"POST", "/v1/contracts", action::submit, submit},
    {"GET", "/v1/contracts", action::read, list},
    {"GET", "/v1/contracts/{id}", action::read, one},
    {"POST", "/v1/contracts/{id}/start", action::start, start},
    {"POST", "/v1/contracts/{id}/cancel", action::cancel, cancel},
    {"POST", "/v1/contracts/{id}/retry", action::retry, retry},
    {"GET", "/v1/contracts/{id}/history", action::read, history},
    {"GET", "/v1/contracts/{id}/plan", action::read, plan},
    {"POST", "/v1/contracts/{id}/plan", action::read, plan_against},
  };
}

} // namespace onset::api
