#include "nodes/api/routes_command.hpp"

#include <cstdio>
#include <fstream>

#include <CLI/CLI.hpp>

#include "nodes/api/routes.hpp"

namespace onset::api {

CLI::App* add_routes_command(CLI::App& app, routes_options& o) {
  auto* cmd = app.add_subcommand(
    "api-routes", "Print the HTTP API's routes; with --check, compare them "
                  "with an OpenAPI document");
  cmd->add_option("--check", o.check_file,
                  "OpenAPI document (docs/openapi.json) to compare with");
  return cmd;
}

int run_routes_command(const routes_options& o) {
  auto routes = all_routes();
  if (o.check_file.empty()) {
    for (auto& r : routes)
      std::printf("%s %s %s\n", r.method.c_str(), r.path.c_str(),
                  r.open ? "open" : to_string(r.needs));
    return 0;
  }
  std::ifstream in{o.check_file};
  auto doc = nlohmann::json::parse(in, nullptr, false);
  if (!in || doc.is_discarded() || !doc.is_object()) {
    std::fprintf(stderr, "onset-node api-routes: %s: not a JSON document\n",
                 o.check_file.c_str());
    return 1;
  }
  auto problems = compare_with_openapi(routes, doc);
  for (auto& p : problems)
    std::printf("%s\n", p.c_str());
  if (problems.empty())
    std::printf("%zu routes, all in %s and nothing more\n", routes.size(),
                o.check_file.c_str());
  return problems.empty() ? 0 : 1;
}

} // namespace onset::api
