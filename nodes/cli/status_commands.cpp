// `onset status`, `onset history`, `onset plan`: what contracts are doing,
// what they did, and what they would send now (or after a restart with
// another catalog).
#include "nodes/cli/commands.hpp"

#include <iostream>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "config/catalog_loader.hpp"
#include "messages/contract_json.hpp"
#include "nodes/cli/exit_code.hpp"
#include "nodes/cli/output.hpp"
#include "nodes/cli/server_options.hpp"
#include "nodes/cli/text_table.hpp"
#include "nodes/cli/view_json.hpp"

namespace onset::cli {

namespace {

struct status_options {
  server_options server;
  std::string id;
  bool json = false;
  /// `onset plan --catalog FILE`; empty: the node's catalog.
  std::string catalog_file;
};

template <class T>
nlohmann::json array_of(const std::vector<T>& xs) {
  auto result = nlohmann::json::array();
  for (auto& x : xs)
    result.push_back(to_json(x));
  return result;
}

std::string progress(const contract_summary& x) {
  return std::to_string(x.steps_acked) + "/" + std::to_string(x.steps_total);
}

/// What a step carries, in one cell.
std::string payload(const instruction& x) {
  std::string result;
  auto add = [&](const std::string& part) {
    result += (result.empty() ? "" : " ") + part;
  };
  if (!x.firmware.parts.empty())
    add("firmware=" + x.firmware.to_string());
  if (!x.apps.empty())
    add("apps=" + join(x.apps));
  if (!x.values.empty())
    add(join(x.values));
  return result.empty() ? "-" : result;
}

void print_summaries(const std::vector<contract_summary>& xs) {
  text_table table{{"ID", "VERSION", "CUSTOMER", "STATE", "STEPS", "REASON"}};
  for (auto& x : xs)
    table.add({x.id.str(), std::to_string(x.version), x.customer.str(),
               to_string(x.state), progress(x),
               x.reason.empty() ? "-" : x.reason});
  table.print(std::cout);
}

void print_contract(const contract_view& x) {
  auto& s = x.summary;
  std::cout << "contract " << s.id << " v" << s.version << " (customer "
            << s.customer << "): " << to_string(s.state) << ", " << progress(s)
            << " steps acked\n"
            << "  period:   " << x.doc.start << " .. " << x.doc.end << '\n';
  std::vector<std::string> devices;
  for (auto& d : x.doc.devices)
    devices.push_back(d.str());
  std::vector<std::string> services;
  for (auto& entry : x.doc.services)
    services.push_back(entry.first.str());
  std::cout << "  devices:  " << join(devices) << '\n'
            << "  services: " << join(services) << '\n';
  if (!s.reason.empty())
    std::cout << "  reason:   " << s.reason << '\n';
  if (!x.devices.empty()) {
    text_table per_device{{"DEVICE", "STEPS", "STATE", "REASON"}};
    for (auto& d : x.devices)
      per_device.add(
        {d.device.str(),
         std::to_string(d.steps_acked) + "/" + std::to_string(d.steps_total),
         !d.degraded.empty()              ? "degraded"
         : d.steps_acked == d.steps_total ? "done"
                                          : "in progress",
         d.degraded.empty() ? "-" : d.degraded});
    per_device.print(std::cout);
  }
  if (x.steps.empty()) {
    std::cout << "no steps sent\n";
    return;
  }
  text_table table{{"TARGET", "KIND", "SEQ", "DEVICE", "STATE", "CARRIES"}};
  for (auto& step : x.steps)
    table.add({step.step.stream.to.to_string(), to_string(step.step.kind),
               std::to_string(step.step.seq), step.step.device.str(),
               step.acked ? "acked" : "sent", payload(step.step)});
  table.print(std::cout);
}

int run_status(const status_options& o) {
  return with_server(o.server, [&](api_client& gw) {
    if (o.id.empty()) {
      auto all = gw.list_contracts();
      if (!all)
        return report(all.error());
      if (o.json)
        print_json(array_of(all.value()));
      else
        print_summaries(all.value());
      return int{exit_ok};
    }
    auto one = gw.contract_details(contract_id{o.id});
    if (!one)
      return report(one.error());
    if (o.json)
      print_json(to_json(one.value()));
    else
      print_contract(one.value());
    return int{exit_ok};
  });
}

int run_history(const status_options& o) {
  return with_server(o.server, [&](api_client& gw) {
    auto entries = gw.history(contract_id{o.id});
    if (!entries)
      return report(entries.error());
    if (o.json) {
      print_json(array_of(entries.value()));
      return int{exit_ok};
    }
    text_table table{{"AT", "KIND", "DETAIL"}};
    for (auto& e : entries.value())
      table.add({e.at.to_rfc3339(), to_string(e.kind), e.detail});
    table.print(std::cout);
    return int{exit_ok};
  });
}

/// The text of `--catalog FILE`, checked with the node's catalog loader so
/// that a bad file is refused naming its field before anything is sent.
std::optional<std::string> read_catalog_text(const std::string& file) {
  std::string text;
  if (!read_input(file, text))
    return std::nullopt;
  auto cat = config::parse_catalog(text);
  if (!cat) {
    refuse_input({file + ": " + cat.error().field, cat.error().reason});
    return std::nullopt;
  }
  return text;
}

int run_plan(const status_options& o) {
  std::optional<std::string> catalog_text;
  if (!o.catalog_file.empty()) {
    catalog_text = read_catalog_text(o.catalog_file);
    if (!catalog_text)
      return exit_refused;
  }
  return with_server(o.server, [&](api_client& gw) {
    auto id = contract_id{o.id};
    auto steps = catalog_text ? gw.plan(id, *catalog_text) : gw.plan(id);
    if (!steps)
      return report(steps.error());
    if (o.json) {
      print_json(array_of(steps.value()));
      return int{exit_ok};
    }
    if (catalog_text)
      std::cout << o.id << " against catalog " << o.catalog_file
                << ": the steps a restart with it would send\n";
    if (steps.value().empty()) {
      std::cout << o.id << ": nothing to send\n";
      return int{exit_ok};
    }
    text_table table{{"TARGET", "KIND", "SEQ", "DEVICE", "CARRIES"}};
    // A step not yet written to the outbox has no seq yet (0).
    for (auto& x : steps.value())
      table.add({x.stream.to.to_string(), to_string(x.kind),
                 x.seq == 0 ? "-" : std::to_string(x.seq), x.device.str(),
                 payload(x)});
    table.print(std::cout);
    return int{exit_ok};
  });
}

} // namespace

void add_status_commands(CLI::App& app, int& rc) {
  auto o = std::make_shared<status_options>();

  auto* status = app.add_subcommand(
    "status", "All contracts as a table, or one contract with its steps");
  status->add_option("id", o->id, "Contract id");
  status->add_flag("--json", o->json, "Print JSON");
  add_server_options(*status, o->server);
  status->callback([o, &rc] { rc = run_status(*o); });

  auto* history = app.add_subcommand(
    "history", "Every transition, send, ack and problem of a contract");
  history->add_option("id", o->id, "Contract id")->required();
  history->add_flag("--json", o->json, "Print JSON");
  add_server_options(*history, o->server);
  history->callback([o, &rc] { rc = run_history(*o); });

  auto* plan = app.add_subcommand(
    "plan", "Dry run: the steps the contract would send now");
  plan->add_option("id", o->id, "Contract id")->required();
  plan->add_flag("--json", o->json, "Print JSON");
  plan->add_option("--catalog", o->catalog_file,
                   "Instead: the steps it would send after the node restarts "
                   "with this catalog (nothing is changed)");
  add_server_options(*plan, o->server);
  plan->callback([o, &rc] { rc = run_plan(*o); });
}

} // namespace onset::cli
