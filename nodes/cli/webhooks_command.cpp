// `onset webhooks add|list|remove|test`: the webhook subscriptions of
// docs/events.md, "Webhooks", through the HTTP API.
#include "nodes/cli/commands.hpp"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "nodes/cli/exit_code.hpp"
#include "nodes/cli/read_file.hpp"
#include "nodes/cli/server_options.hpp"
#include "nodes/cli/text_table.hpp"

namespace onset::cli {

namespace {

struct webhooks_options {
  server_options server;
  std::string url;
  std::vector<std::string> events;
  std::string customer;
  std::string secret_file;
  std::string ca_file;
  std::string id;
  bool json = false;
};

/// The string member `key` of `x`; empty if it is none.
std::string webhook_field(const nlohmann::json& x, const char* key) {
  auto i = x.find(key);
  return i != x.end() && i->is_string() ? i->get<std::string>() : "";
}

/// The secret in `path`: its first line, without the line break.
std::optional<std::string> read_secret(const std::string& path) {
  auto text = read_file(path);
  if (!text)
    return std::nullopt;
  auto end = text->find_first_of("\r\n");
  return end == std::string::npos ? *text : text->substr(0, end);
}

int run_webhooks_add(const webhooks_options& o) {
  auto secret = read_secret(o.secret_file);
  if (!secret) {
    std::cerr << "onset: --secret-file: cannot read " << o.secret_file << '\n';
    return int{exit_usage};
  }
  nlohmann::json body{
    {"url", o.url}, {"events", o.events}, {"secret", *secret}};
  if (!o.customer.empty())
    body["customer"] = o.customer;
  if (!o.ca_file.empty())
    body["ca_file"] = o.ca_file;
  auto text = body.dump();
  return with_server(o.server, [&](api_client& api) {
    auto answer = api.send_json_text("POST", "/v1/webhooks", &text);
    if (!answer)
      return report(answer.error());
    auto x = nlohmann::json::parse(answer.value());
    if (o.json)
      std::cout << x.dump() << '\n';
    else
      std::cout << webhook_field(x, "id") << '\n';
    return int{exit_ok};
  });
}

/// `delivered 12, backlog 0, last error HTTP 500: ... (failing)`.
std::string webhook_state(const nlohmann::json& x) {
  auto out = "delivered " + std::to_string(x.value("delivered", uint64_t{0}))
             + ", backlog " + std::to_string(x.value("backlog", uint64_t{0}));
  if (!webhook_field(x, "last_error").empty()
      && x.value("failed_attempts", uint64_t{0}) > 0)
    out += ", last error " + webhook_field(x, "last_error") + " at "
           + webhook_field(x, "last_error_at");
  if (x.value("failing", false))
    out += " (FAILING since " + webhook_field(x, "failing_since") + ")";
  return out;
}

int run_webhooks_list(const webhooks_options& o) {
  return with_server(o.server, [&](api_client& api) {
    auto answer = api.get_json_text("/v1/webhooks");
    if (!answer)
      return report(answer.error());
    auto doc = nlohmann::json::parse(answer.value());
    auto items = doc.value("webhooks", nlohmann::json::array());
    if (o.json) {
      std::cout << items.dump() << '\n';
      return int{exit_ok};
    }
    text_table table{
      {"ID", "URL", "EVENTS", "CUSTOMER", "LAST SUCCESS", "STATE"}};
    for (auto& x : items) {
      std::string events;
      for (auto& e : x.value("events", nlohmann::json::array()))
        events += (events.empty() ? "" : ",") + e.get<std::string>();
      table.add({webhook_field(x, "id"), webhook_field(x, "url"),
                 events.empty() ? "*" : events,
                 webhook_field(x, "customer").empty()
                   ? "*"
                   : webhook_field(x, "customer"),
                 webhook_field(x, "last_success_at").empty()
                   ? "-"
                   : webhook_field(x, "last_success_at"),
                 webhook_state(x)});
    }
    table.print(std::cout);
    return int{exit_ok};
  });
}

int run_webhooks_remove(const webhooks_options& o) {
  return with_server(o.server, [&](api_client& api) {
    auto answer = api.send_json_text(
      "DELETE", "/v1/webhooks/" + url_escaped(o.id), nullptr);
    if (!answer)
      return report(answer.error());
    std::cout << "removed " << o.id << '\n';
    return int{exit_ok};
  });
}

int run_webhooks_test(const webhooks_options& o) {
  return with_server(o.server, [&](api_client& api) {
    std::string empty = "{}";
    auto answer = api.send_json_text(
      "POST", "/v1/webhooks/" + url_escaped(o.id) + "/test", &empty);
    if (!answer)
      return report(answer.error());
    auto x = nlohmann::json::parse(answer.value());
    if (o.json)
      std::cout << x.dump() << '\n';
    else if (x.value("delivered", false))
      std::cout << "delivered: HTTP " << x.value("status", 0) << '\n';
    else
      std::cout << "not delivered: " << webhook_field(x, "error") << '\n';
    return x.value("delivered", false) ? int{exit_ok} : int{exit_refused};
  });
}

} // namespace

void add_webhooks_command(CLI::App& app, int& rc) {
  auto o = std::make_shared<webhooks_options>();
  auto* group = app.add_subcommand(
    "webhooks", "Webhook subscriptions: signed POSTs of the contract events "
                "(docs/events.md)");
  group->require_subcommand(1);
  auto* add = group->add_subcommand("add", "Subscribe URL to the events");
  add->add_option("url", o->url, "http:// or https:// URL")->required();
  add
    ->add_option("--events", o->events,
                 "Event types (comma-separated); none: every type")
    ->delimiter(',');
  add->add_option("--customer", o->customer, "Only this customer's events");
  add
    ->add_option("--secret-file", o->secret_file,
                 "File whose first line is the HMAC secret (16 to 1024 "
                 "bytes)")
    ->required();
  add->add_option("--ca-file", o->ca_file,
                  "https: CA certificates (PEM, on the gateway node) the "
                  "subscriber's must chain to; default: the system's");
  add->add_flag("--json", o->json, "Print the subscription as JSON");
  add->callback([o, &rc] { rc = run_webhooks_add(*o); });
  auto* list = group->add_subcommand(
    "list", "Subscriptions with what was delivered and what failed");
  list->add_flag("--json", o->json, "A JSON array");
  list->callback([o, &rc] { rc = run_webhooks_list(*o); });
  auto* remove = group->add_subcommand("remove", "Stop and remove one");
  remove->add_option("id", o->id, "Its id (wh_...)")->required();
  remove->callback([o, &rc] { rc = run_webhooks_remove(*o); });
  auto* test = group->add_subcommand(
    "test", "POST a signed webhook.test event to the subscriber now");
  test->add_option("id", o->id, "Its id (wh_...)")->required();
  test->add_flag("--json", o->json, "Print the outcome as JSON");
  test->callback([o, &rc] { rc = run_webhooks_test(*o); });
  for (auto* cmd : {add, list, remove, test})
    add_server_options(*cmd, o->server);
}

} // namespace onset::cli
