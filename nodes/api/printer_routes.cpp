// The printer, service and catalog routes of docs/api.md. A token limited to
// customers sees only their printers: any other id is answered exactly as
// an unknown one.
#include <optional>
#include <set>
#include <variant>

#include "messages/device_json.hpp"
#include "messages/firmware_version.hpp"
#include "messages/json_input.hpp"
#include "nodes/api/json_body.hpp"
#include "nodes/api/routes.hpp"
#include "nodes/cli/view_json.hpp"

namespace onset::api {

namespace {

using json = nlohmann::json;

constexpr size_t max_printers = 10000;

/// The printer `id` if the token may see it, else the 404 of an unknown
/// printer.
std::variant<device_view, api_response> visible_printer(const api_request& req,
                                                        route_context& ctx,
                                                        const std::string& id) {
  auto view = ctx.gateway.device(device_id{id});
  if (!view && view.error().code == "unknown_device")
    return not_found("unknown_device", "printer " + id);
  if (!view)
    return gateway_failure(view.error());
  if (!req.who.sees(view.value().state.registration.customer.str()))
    return not_found("unknown_device", "printer " + id);
  return std::move(view.value());
}

api_response register_printers(const api_request& req, route_context& ctx) {
  bool many = false;
  auto parsed = parse_json_items(req.body, max_printers, "printer", many);
  if (auto* problem = std::get_if<api_response>(&parsed))
    return std::move(*problem);
  auto& items = std::get<std::vector<json>>(parsed);
  std::vector<device_record> records;
  std::set<device_id> seen;
  for (size_t i = 0; i < items.size(); ++i) {
    auto field = many ? "[" + std::to_string(i) + "]." : std::string{};
    auto x = device_record_from_json(items[i], field);
    if (!x)
      return error_response(422, "invalid_input", x.error().field,
                            x.error().to_string());
    if (!seen.insert(x.value().id).second)
      return error_response(422, "invalid_input", field + "id",
                            field + "id: printer " + x.value().id.str()
                              + " is listed twice");
    if (!req.who.sees(x.value().customer.str()))
      return error_response(403, "forbidden", field + "customer",
                            "customer " + x.value().customer.str()
                              + " is outside this token's customers");
    records.push_back(std::move(x.value()));
  }
  auto count = records.size();
  auto done = ctx.gateway.enroll(std::move(records));
  if (!done)
    return gateway_failure(done.error());
  return {200, json{{"registered", count}}};
}

/// `GET /v1/printers?customer=&firmware_below=&online=&cursor=&limit=`,
/// by id; `cursor` is the last id of the previous page.
api_response list(const api_request& req, route_context& ctx) {
  std::optional<api_response> problem;
  auto limit = query_number(req, "limit", 1, max_page, default_page, problem);
  if (problem)
    return std::move(*problem);
  std::optional<firmware_version> below;
  if (auto text = query_text(req, "firmware_below"); !text.empty()) {
    below = firmware_version::parse(text);
    if (!below)
      return error_response(400, "invalid_input", "firmware_below",
                            "firmware_below: not a firmware version: " + text);
  }
  std::optional<bool> online;
  if (auto text = query_text(req, "online"); !text.empty()) {
    if (text != "true" && text != "false")
      return error_response(400, "invalid_input", "online",
                            "online: true or false");
    online = text == "true";
  }
  auto customer = query_text(req, "customer");
  id_page page{query_text(req, "cursor"), static_cast<size_t>(*limit)};
  auto all = ctx.gateway.list_devices();
  if (!all)
    return gateway_failure(all.error());
  sort_by_id(all.value());
  for (auto& x : all.value()) {
    if (page.before_cursor(x.id.str()) || !req.who.sees(x.customer.str())
        || (!customer.empty() && x.customer.str() != customer))
      continue;
    std::optional<device_view> view;
    if (below || online) {
      auto got = ctx.gateway.device(x.id);
      if (!got)
        return gateway_failure(got.error());
      view = std::move(got.value());
      if ((below && !(view->state.firmware < *below))
          || (online && view->state.online != *online))
        continue;
    }
    if (!page.add(x.id.str(), view ? cli::to_json(*view) : to_json(x)))
      break;
  }
  return {200, page.finish("printers")};
}

api_response one(const api_request& req, route_context& ctx) {
  auto view = visible_printer(req, ctx, req.params.at(0));
  if (auto* problem = std::get_if<api_response>(&view))
    return std::move(*problem);
  return {200, cli::to_json(std::get<device_view>(view))};
}

api_response set_online(const api_request& req, route_context& ctx) {
  auto parsed = parse_json_body(req.body);
  if (auto* problem = std::get_if<api_response>(&parsed))
    return std::move(*problem);
  auto& doc = std::get<json>(parsed);
  auto i = doc.is_object() ? doc.find("online") : doc.end();
  if (i == doc.end() || !i->is_boolean())
    return error_response(422, "invalid_input", "online",
                          "online: true or false");
  auto& id = req.params.at(0);
  auto view = visible_printer(req, ctx, id);
  if (auto* problem = std::get_if<api_response>(&view))
    return std::move(*problem);
  auto done = ctx.gateway.set_online(device_id{id}, i->get<bool>());
  if (!done)
    return gateway_failure(done.error());
  return {200, json{{"id", id}, {"online", i->get<bool>()}}};
}

/// `PATCH /v1/printers/{id}` with `{"model": M, "customer": C}`, either or
/// both: the printer's registration with those changed. The token must see
/// the printer's customer and the new one.
api_response update(const api_request& req, route_context& ctx) {
  auto parsed = parse_json_body(req.body);
  if (auto* problem = std::get_if<api_response>(&parsed))
    return std::move(*problem);
  auto& doc = std::get<json>(parsed);
  if (auto problem = json_input::check_object(doc, "", {"model", "customer"}))
    return error_response(422, "invalid_input", problem->field,
                          problem->to_string());
  if (doc.empty())
    return error_response(422, "invalid_input", "body",
                          "body: name model, customer or both");
  auto model = json_input::optional_string(doc, "", "model");
  if (!model)
    return error_response(422, "invalid_input", model.error().field,
                          model.error().to_string());
  auto customer = json_input::optional_id(doc, "", "customer");
  if (!customer)
    return error_response(422, "invalid_input", customer.error().field,
                          customer.error().to_string());
  auto view = visible_printer(req, ctx, req.params.at(0));
  if (auto* problem = std::get_if<api_response>(&view))
    return std::move(*problem);
  auto before = std::get<device_view>(view).state.registration;
  auto after = before;
  if (doc.contains("model"))
    after.model = model.value();
  if (!customer.value().empty())
    after.customer = customer_id{customer.value()};
  if (!req.who.sees(after.customer.str()))
    return error_response(403, "forbidden", "customer",
                          "customer " + after.customer.str()
                            + " is outside this token's customers");
  if (!(after == before)) {
    auto done = ctx.gateway.update_device(before, after);
    if (!done)
      return gateway_failure(done.error());
  }
  return {200, to_json(after)};
}

/// `DELETE /v1/printers/{id}`: decommissions a printer that no contract
/// which has not ended names.
api_response decommission(const api_request& req, route_context& ctx) {
  auto& id = req.params.at(0);
  auto view = visible_printer(req, ctx, id);
  if (auto* problem = std::get_if<api_response>(&view))
    return std::move(*problem);
  auto done
    = ctx.gateway.decommission(std::get<device_view>(view).state.registration);
  if (!done)
    return gateway_failure(done.error());
  return {200, json{{"id", id}, {"decommissioned", true}}};
}

api_response service_printer(const api_request& req, route_context& ctx) {
  auto& id = req.params.at(1);
  auto printer = visible_printer(req, ctx, id);
  if (auto* problem = std::get_if<api_response>(&printer))
    return std::move(*problem);
  auto view = ctx.gateway.service(service_id{req.params.at(0)}, device_id{id});
  if (!view)
    return gateway_failure(view.error());
  return {200, cli::to_json(view.value())};
}

api_response catalog_in_use(const api_request&, route_context& ctx) {
  return {200, ctx.catalog_doc};
}

} // namespace

std::vector<route> printer_routes() {
  return {
    {"POST", "/v1/printers", action::manage_printers, register_printers},
    {"GET", "/v1/printers", action::read, list},
    {"GET", "/v1/printers/{id}", action::read, one},
    {"PATCH", "/v1/printers/{id}", action::manage_printers, update},
    {"DELETE", "/v1/printers/{id}", action::manage_printers, decommission},
    {"POST", "/v1/printers/{id}/online", action::set_online, set_online},
    {"GET", "/v1/services/{service}/printers/{id}", action::read,
     service_printer},
    {"GET", "/v1/catalog", action::read, catalog_in_use},
  };
}

std::vector<route> all_routes() {
  auto xs = contract_routes();
  for (auto& x : printer_routes())
    xs.push_back(std::move(x));
  for (auto& x : cluster_routes())
    xs.push_back(std::move(x));
  for (auto& x : event_routes())
    xs.push_back(std::move(x));
  for (auto& x : webhook_routes())
    xs.push_back(std::move(x));
  for (auto& x : health_routes())
    xs.push_back(std::move(x));
  return xs;
}

std::vector<std::string> compare_with_openapi(const std::vector<route>& xs,
                                              const json& openapi) {
  std::set<std::pair<std::string, std::string>> served;
  for (auto& x : xs)
    served.emplace(x.method, x.path);
  std::set<std::pair<std::string, std::string>> documented;
  if (auto paths = openapi.find("paths");
      paths != openapi.end() && paths->is_object())
    for (auto& [path, ops] : paths->items())
      if (ops.is_object())
        for (auto& [method, op] : ops.items()) {
          std::string upper;
          for (char c : method)
            upper.push_back(static_cast<char>(std::toupper(c)));
          if (upper == "GET" || upper == "POST" || upper == "PUT"
              || upper == "PATCH" || upper == "DELETE")
            documented.emplace(upper, path);
        }
  std::vector<std::string> problems;
  for (auto& [method, path] : served)
    if (documented.count({method, path}) == 0)
      problems.push_back("served, not in the OpenAPI document: " + method + " "
                         + path);
  for (auto& [method, path] : documented)
    if (served.count({method, path}) == 0)
      problems.push_back("in the OpenAPI document, not served: " + method + " "
                         + path);
  return problems;
}

} // namespace onset::api
