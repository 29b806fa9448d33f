// `onset-node api-routes [--check OPENAPI]`: the routes the API serves, one
// `METHOD PATH ACTION` line each; with --check, compares them with an
// OpenAPI document both ways and exits 1 naming every difference (CI's
// check that docs/openapi.json and the server agree). No CAF here.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace onset::api {

struct routes_options {
  std::string check_file;
};

CLI::App* add_routes_command(CLI::App& app, routes_options& o);

/// 0, 1 (a difference, or a document that does not load).
int run_routes_command(const routes_options& o);

} // namespace onset::api
