#include "nodes/cli/check_command.hpp"

#include <iostream>
#include <map>
#include <memory>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "config/catalog_loader.hpp"
#include "messages/contract_json.hpp"
#include "messages/desired_state.hpp"
#include "messages/device_json.hpp"
#include "nodes/cli/commands.hpp"
#include "nodes/cli/read_file.hpp"
#include "nodes/cli/server_options.hpp"

namespace onset::cli {

using json = nlohmann::json;

namespace {

int refuse(const std::string& file, const invalid_input& problem) {
  std::cerr << "onset: " << file << ": " << problem.to_string() << '\n';
  return 1;
}

void print_text(const contract& x, const catalog& cat,
                const desired_state& want) {
  std::cout << "contract " << x.id << " v" << x.version << " (customer "
            << x.customer << ", " << x.start << " .. " << x.end << ")\n";
  for (auto& [sid, choices] : x.services) {
    auto* spec = cat.find(sid);
    std::cout << "  service " << sid;
    if (!spec->has_server_settings()) {
      std::cout << ": device-only, no service instruction\n";
      continue;
    }
    std::cout << ":";
    for (auto& [name, value] : spec->merged_server_settings(choices))
      std::cout << ' ' << name << '=' << value
                << (choices.count(name) ? "" : "(default)");
    std::cout << '\n';
  }
  for (auto& [dev, d] : want.devices) {
    std::cout << "  device " << dev << ": firmware " << d.firmware
              << " (needs >= " << d.min_firmware << "), apps [";
    for (size_t i = 0; i < d.apps.size(); ++i)
      std::cout << (i ? "," : "") << d.apps[i];
    std::cout << "], settings";
    for (auto& [name, value] : d.values)
      std::cout << ' ' << name << '=' << value;
    std::cout << '\n';
  }
}

/// Checks the files of `options` against `cat`.
int check_against(const check_options& options, const catalog& cat) {
  std::map<device_id, device_record> registry;
  if (!options.devices_file.empty()) {
    auto text = read_file(options.devices_file);
    if (!text)
      return refuse(options.devices_file, {"", "cannot be read"});
    auto records = parse_device_records(*text);
    if (!records)
      return refuse(options.devices_file, records.error());
    for (auto& r : records.value())
      registry.emplace(r.id, r);
  }
  auto lookup = [&](const device_id& id) -> const device_record* {
    auto i = registry.find(id);
    return i == registry.end() ? nullptr : &i->second;
  };
  auto out = json::array();
  for (auto& file : options.contract_files) {
    auto text = read_file(file);
    if (!text)
      return refuse(file, {"", "cannot be read"});
    auto contracts = parse_contracts(*text, cat);
    if (!contracts)
      return refuse(file, contracts.error());
    for (auto& x : contracts.value()) {
      auto want = compute_desired_state(x, cat, lookup);
      if (!want)
        return refuse(file, want.error());
      if (options.json)
        out.push_back(
          json{{"contract", to_json(x)}, {"desired", to_json(want.value())}});
      else
        print_text(x, cat, want.value());
    }
  }
  if (options.json)
    std::cout << out.dump(2) << '\n';
  return 0;
}

} // namespace

int run_check(const check_options& options) {
  if (options.catalog_file.empty())
    return with_server(options.server, [&](api_client& api) {
      auto cat = node_catalog(api);
      if (!cat)
        return report(cat.error());
      return check_against(options, cat.value());
    });
  auto cat = config::load_catalog(options.catalog_file);
  if (!cat) {
    std::cerr << "onset: " << cat.error().to_string() << '\n';
    return 1;
  }
  return check_against(options, cat.value());
}

void add_check_command(CLI::App& app, int& rc) {
  auto o = std::make_shared<check_options>();
  auto* check = app.add_subcommand(
    "check", "Validate contract files and print the desired state computed "
             "for each (offline with --catalog)");
  check->add_option("--catalog", o->catalog_file,
                    "Catalog file (default: the node's, from its API)");
  check->add_option("--devices", o->devices_file, "JSON file of device records")
    ->required();
  check
    ->add_option("contracts", o->contract_files,
                 "Contract files (one contract or an array each)")
    ->required();
  check->add_flag("--json", o->json, "Print JSON");
  add_server_options(*check, o->server);
  check->callback([o, &rc] { rc = run_check(*o); });
}

} // namespace onset::cli
