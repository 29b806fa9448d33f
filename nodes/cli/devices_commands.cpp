// `onset devices add|list` and
// `onset device show|set-online|update|decommission`.
#include "nodes/cli/commands.hpp"

#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "messages/device_json.hpp"
#include "nodes/cli/exit_code.hpp"
#include "nodes/cli/output.hpp"
#include "nodes/cli/server_options.hpp"
#include "nodes/cli/text_table.hpp"
#include "nodes/cli/view_json.hpp"

namespace onset::cli {

namespace {

struct device_options {
  server_options server;
  std::string file;
  std::string id;
  bool online = true;
  bool json = false;
  std::optional<std::string> model;
  std::optional<std::string> customer;
};

int run_add(const device_options& o) {
  std::string text;
  if (!read_input(o.file, text))
    return exit_refused;
  auto records = parse_device_records(text);
  if (!records)
    return refuse_input(records.error());
  return with_server(o.server, [&](api_client& gw) {
    auto count = records.value().size();
    auto answer = gw.enroll(std::move(records.value()));
    if (!answer)
      return report(answer.error());
    std::cout << "registered " << count << " device" << (count == 1 ? "" : "s")
              << '\n';
    return int{exit_ok};
  });
}

int run_list(const device_options& o) {
  return with_server(o.server, [&](api_client& gw) {
    auto records = gw.list_devices();
    if (!records)
      return report(records.error());
    if (o.json) {
      auto out = nlohmann::json::array();
      for (auto& r : records.value())
        out.push_back(onset::to_json(r));
      print_json(out);
      return int{exit_ok};
    }
    text_table table{{"ID", "CUSTOMER", "MODEL", "FIRMWARE", "APPS"}};
    for (auto& r : records.value())
      table.add({r.id.str(), r.customer.str(), r.model.empty() ? "-" : r.model,
                 r.firmware.to_string(), join(r.apps)});
    table.print(std::cout);
    return int{exit_ok};
  });
}

void print_device(const device_view& x) {
  auto& reg = x.state.registration;
  std::cout << "device " << reg.id << " (customer " << reg.customer
            << (reg.model.empty() ? "" : ", model " + reg.model) << ")\n"
            << "  online:    " << (x.state.online ? "yes" : "no") << '\n'
            << "  firmware:  " << x.state.firmware << " (registered "
            << reg.firmware << ")\n"
            << "  apps:      " << join(x.state.apps) << '\n'
            << "  settings:  " << join(x.state.values) << '\n'
            << "  applied:" << (x.applied.empty() ? "   -" : "") << '\n';
  for (auto& w : x.applied)
    std::cout << "    " << w.stream.to_string() << " seq " << w.seq << '\n';
}

int run_show(const device_options& o) {
  return with_server(o.server, [&](api_client& gw) {
    auto view = gw.device(device_id{o.id});
    if (!view)
      return report(view.error());
    if (o.json)
      print_json(to_json(view.value()));
    else
      print_device(view.value());
    return int{exit_ok};
  });
}

int run_set_online(const device_options& o) {
  return with_server(o.server, [&](api_client& gw) {
    auto answer = gw.set_online(device_id{o.id}, o.online);
    if (!answer)
      return report(answer.error());
    std::cout << o.id << " is " << (o.online ? "online" : "offline") << '\n';
    return int{exit_ok};
  });
}

int run_update(const device_options& o) {
  if (!o.model && !o.customer) {
    std::cerr << "onset: device update: give --model, --customer or both\n";
    return exit_usage;
  }
  return with_server(o.server, [&](api_client& gw) {
    auto answer = gw.update_device(device_id{o.id}, o.model, o.customer);
    if (!answer)
      return report(answer.error());
    std::cout << o.id << " updated\n";
    return int{exit_ok};
  });
}

int run_decommission(const device_options& o) {
  return with_server(o.server, [&](api_client& gw) {
    auto answer = gw.decommission(device_id{o.id});
    if (!answer)
      return report(answer.error());
    std::cout << o.id << " decommissioned\n";
    return int{exit_ok};
  });
}

} // namespace

void add_devices_commands(CLI::App& app, int& rc) {
  auto o = std::make_shared<device_options>();
  auto* devices = app.add_subcommand("devices", "Registered printers");
  devices->require_subcommand(1);

  auto* add = devices->add_subcommand(
    "add", "Register printers from a JSON array of device records");
  add->add_option("file", o->file, "Device records (JSON)")
    ->required()
    ->check(CLI::ExistingFile);
  add_server_options(*add, o->server);
  add->callback([o, &rc] { rc = run_add(*o); });

  auto* list = devices->add_subcommand("list", "List registered printers");
  list->add_flag("--json", o->json, "Print JSON");
  add_server_options(*list, o->server);
  list->callback([o, &rc] { rc = run_list(*o); });

  auto* device = app.add_subcommand("device", "One printer");
  device->require_subcommand(1);

  auto* show = device->add_subcommand(
    "show", "Firmware, apps, settings, online flag and applied watermarks");
  show->add_option("id", o->id, "Device id")->required();
  show->add_flag("--json", o->json, "Print JSON");
  add_server_options(*show, o->server);
  show->callback([o, &rc] { rc = run_show(*o); });

  auto* online = device->add_subcommand(
    "set-online", "Switch a simulated printer on or off line");
  online->add_option("id", o->id, "Device id")->required();
  online->add_option("online", o->online, "true or false")->required();
  add_server_options(*online, o->server);
  online->callback([o, &rc] { rc = run_set_online(*o); });

  auto* update = device->add_subcommand(
    "update", "Change a printer's model or customer (refused while a "
              "contract that has not ended names it)");
  update->add_option("id", o->id, "Device id")->required();
  update->add_option("--model", o->model, "The new model");
  update->add_option("--customer", o->customer, "The new customer");
  add_server_options(*update, o->server);
  update->callback([o, &rc] { rc = run_update(*o); });

  auto* decommission = device->add_subcommand(
    "decommission", "Remove a printer that no contract which has not ended "
                    "names");
  decommission->add_option("id", o->id, "Device id")->required();
  add_server_options(*decommission, o->server);
  decommission->callback([o, &rc] { rc = run_decommission(*o); });
}

} // namespace onset::cli
