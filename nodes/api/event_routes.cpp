// The event feed of docs/events.md: `GET /v1/events`, scoped by the token's
// customers, with a long poll (`wait`).
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "nodes/api/event_json.hpp"
#include "nodes/api/routes.hpp"

namespace onset::api {

namespace {

using json = nlohmann::json;

/// The longest long poll, in seconds: below the API's read timeouts.
constexpr long long max_wait = 30;

/// How often a long poll reads the feed again while nothing new came.
constexpr auto poll_interval = std::chrono::milliseconds{100};

struct event_filter {
  std::string customer;
  std::string contract;
  std::string type;

  bool passes(const api_request& req, const contract_event& x) const {
    return req.who.sees(x.customer.str())
           && (customer.empty() || x.customer.str() == customer)
           && (contract.empty() || x.contract.str() == contract)
           && (type.empty() || x.type == type);
  }
};

/// `GET /v1/events?after=&limit=&wait=&customer=&contract=&type=`.
api_response events(const api_request& req, route_context& ctx) {
  std::optional<api_response> problem;
  auto limit = query_number(req, "limit", 1, max_page, default_page, problem);
  if (problem)
    return std::move(*problem);
  auto wait = query_number(req, "wait", 0, max_wait, 0, problem);
  if (problem)
    return std::move(*problem);
  auto after = query_text(req, "after");
  std::optional<std::vector<event_page>> cursor;
  if (after == "end") {
    auto end = end_cursor(ctx);
    if (!end)
      return gateway_failure(end.error());
    cursor = std::move(end.value());
  } else {
    cursor = parse_cursor(after);
  }
  if (!cursor)
    return error_response(400, "invalid_input", "after",
                          "after: not a cursor of this feed (the `next` of "
                          "an earlier answer, or `end`)");
  event_filter filter{query_text(req, "customer"), query_text(req, "contract"),
                      query_text(req, "type")};
  auto deadline = std::chrono::steady_clock::now()
                  + std::chrono::seconds{*wait};
  auto out = json::array();
  bool more = false;
  for (;;) {
    auto pages = ctx.gateway.feed(*cursor, static_cast<uint64_t>(*limit));
    if (!pages)
      return gateway_failure(pages.error());
    more = false;
    for (auto& page : pages.value()) {
      for (auto& x : page.events)
        if (filter.passes(req, x))
          out.push_back(event_json(x, page.node));
      more = more || page.next < page.end;
    }
    *cursor = std::move(pages.value());
    if (!out.empty() || more || std::chrono::steady_clock::now() >= deadline)
      break;
    std::this_thread::sleep_for(poll_interval);
  }
  return {200, json{{"events", std::move(out)},
                    {"next", cursor_text(*cursor)},
                    {"more", more}}};
}

} // namespace

cli::reply<std::vector<event_page>> end_cursor(route_context& ctx) {
  auto pages = ctx.gateway.feed({}, 1);
  if (!pages)
    return pages;
  for (auto& page : pages.value()) {
    page.events.clear();
    page.next = page.end;
  }
  return pages;
}

std::vector<route> event_routes() {
  return {
    {"GET", "/v1/events", action::read, events},
  };
}

} // namespace onset::api
