// `onset service show`: one printer's state at one smart service.
#include "nodes/cli/commands.hpp"

#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "nodes/cli/exit_code.hpp"
#include "nodes/cli/output.hpp"
#include "nodes/cli/server_options.hpp"
#include "nodes/cli/view_json.hpp"

namespace onset::cli {

namespace {

struct service_options {
  server_options server;
  std::string service;
  std::string device;
  bool json = false;
};

void print_service(const service_view& x) {
  std::cout << "service " << x.service << " for device " << x.device << '\n'
            << "  registered: " << (x.state.registered ? "yes" : "no") << '\n'
            << "  active:     " << (x.state.active ? "yes" : "no") << '\n'
            << "  settings:   " << join(x.state.values) << '\n'
            << "  applied:" << (x.applied.empty() ? "    -" : "") << '\n';
  for (auto& w : x.applied)
    std::cout << "    " << w.stream.to_string() << " seq " << w.seq << '\n';
}

int run_show(const service_options& o) {
  return with_server(o.server, [&](api_client& gw) {
    auto view = gw.service(service_id{o.service}, device_id{o.device});
    if (!view)
      return report(view.error());
    if (o.json)
      print_json(to_json(view.value()));
    else
      print_service(view.value());
    return int{exit_ok};
  });
}

} // namespace

void add_service_commands(CLI::App& app, int& rc) {
  auto o = std::make_shared<service_options>();
  auto* service = app.add_subcommand("service", "Smart services");
  service->require_subcommand(1);
  auto* show = service->add_subcommand(
    "show", "A printer's server-side settings and active flag at a service");
  show->add_option("service", o->service, "Service id (catalog)")->required();
  show->add_option("--device", o->device, "Device id")->required();
  show->add_flag("--json", o->json, "Print JSON");
  add_server_options(*show, o->server);
  show->callback([o, &rc] { rc = run_show(*o); });
}

} // namespace onset::cli
