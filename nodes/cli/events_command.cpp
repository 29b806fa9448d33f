// `onset events [--follow] [--json] [--after CURSOR] [filters]`: the event
// feed (docs/events.md), one line per event; with --follow it waits for
// new ones (long polls) until interrupted.
#include "nodes/cli/commands.hpp"

#include <chrono>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "nodes/cli/exit_code.hpp"
#include "nodes/cli/server_options.hpp"

namespace onset::cli {

namespace {

/// How long one long poll of --follow waits on the node, in seconds.
constexpr int follow_wait_seconds = 20;

struct events_options {
  server_options server;
  std::string after;
  std::string contract;
  std::string customer;
  std::string type;
  int limit = 100;
  bool follow = false;
  bool json = false;
};

std::string events_target(const events_options& o, const std::string& after) {
  auto target = "/v1/events?limit=" + std::to_string(o.limit);
  auto add = [&](const char* name, const std::string& value) {
    if (!value.empty())
      target += std::string{"&"} + name + "=" + url_escaped(value);
  };
  add("after", after);
  add("contract", o.contract);
  add("customer", o.customer);
  add("type", o.type);
  if (o.follow)
    target += "&wait=" + std::to_string(follow_wait_seconds);
  return target;
}

std::string text_of(const nlohmann::json& x, const char* key) {
  auto i = x.find(key);
  return i != x.end() && i->is_string() ? i->get<std::string>() : "";
}

/// `AT TYPE CONTRACT vVERSION [FROM->TO] [REASON] [printers: ...] [by NAME]`.
void print_event_line(const nlohmann::json& x) {
  std::cout << text_of(x, "at") << ' ' << text_of(x, "type") << ' '
            << text_of(x, "contract") << " v"
            << x.value("version", uint64_t{0});
  if (!text_of(x, "from").empty())
    std::cout << ' ' << text_of(x, "from") << "->" << text_of(x, "to");
  if (!text_of(x, "reason").empty())
    std::cout << " (" << text_of(x, "reason") << ')';
  if (auto devices = x.find("devices");
      devices != x.end() && devices->is_array() && !devices->empty()) {
    std::cout << " printers:";
    for (auto& d : *devices)
      if (d.is_string())
        std::cout << ' ' << d.get<std::string>();
  }
  if (!text_of(x, "by").empty())
    std::cout << " by " << text_of(x, "by");
  std::cout << '\n';
}

int run_events(const events_options& o) {
  return with_server(o.server, [&](api_client& api) {
    if (o.follow)
      api.set_timeout(std::chrono::seconds{follow_wait_seconds + 10});
    auto after = o.after;
    for (;;) {
      auto text = api.get_json_text(events_target(o, after));
      if (!text)
        return report(text.error());
      auto page = nlohmann::json::parse(text.value());
      auto events = page.is_object() ? page.find("events") : page.end();
      if (events == page.end() || !events->is_array()) {
        std::cerr << "onset: the server sent a feed page without events\n";
        return int{exit_unreachable};
      }
      for (auto& x : *events)
        if (o.json)
          std::cout << x.dump() << '\n';
        else
          print_event_line(x);
      std::cout.flush();
      after = text_of(page, "next");
      if (!o.follow && !page.value("more", false)) {
        if (!o.json)
          std::cerr << "next: " << after << '\n';
        return int{exit_ok};
      }
    }
  });
}

} // namespace

void add_events_command(CLI::App& app, int& rc) {
  auto o = std::make_shared<events_options>();
  auto* cmd = app.add_subcommand(
    "events", "Contract events in the order they happened (docs/events.md)");
  cmd->add_flag("--follow,-f", o->follow,
                "Keep waiting for new events until interrupted");
  cmd->add_flag("--json", o->json, "One JSON object per line");
  cmd->add_option("--after", o->after,
                  "Start after this cursor (the `next` of an earlier read)");
  cmd->add_option("--contract", o->contract, "Only this contract's events");
  cmd->add_option("--customer", o->customer, "Only this customer's events");
  cmd->add_option("--type", o->type, "Only events of this type");
  cmd->add_option("--limit", o->limit, "Events per node and request")
    ->check(CLI::Range(1, 1000));
  add_server_options(*cmd, o->server);
  cmd->callback([o, &rc] { rc = run_events(*o); });
}

} // namespace onset::cli
