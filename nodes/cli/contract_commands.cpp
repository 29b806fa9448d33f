// `onset submit`, `onset start`, `onset cancel`, `onset retry`: the contract
// events an operator injects through the node's API.
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
#include "nodes/cli/view_json.hpp"

namespace onset::cli {

namespace {

struct contract_options {
  server_options server;
  /// `onset submit --catalog FILE`; empty: the node's (GET /v1/catalog).
  std::string catalog_file;
  std::string file;
  std::string id;
  std::string event_id;
  bool json = false;
};

int run_submit(const contract_options& o) {
  std::string text;
  if (!read_input(o.file, text))
    return exit_refused;
  std::optional<catalog> local;
  if (!o.catalog_file.empty()) {
    auto cat = config::load_catalog(o.catalog_file);
    if (!cat) {
      std::cerr << "onset: " << cat.error().to_string() << '\n';
      return exit_refused;
    }
    local = std::move(cat.value());
  }
  return with_server(o.server, [&](api_client& api) {
    if (!local) {
      auto cat = node_catalog(api);
      if (!cat)
        return report(cat.error());
      local = std::move(cat.value());
    }
    // Checked here first, so that a bad document is refused with its field
    // before anything is sent; the node checks again.
    auto docs = parse_contracts(text, *local);
    if (!docs)
      return refuse_input(docs.error());
    auto results = api.submit(docs.value());
    if (!results)
      return report(results.error());
    if (o.json) {
      auto out = nlohmann::json::array();
      for (auto& r : results.value())
        out.push_back(to_json(r));
      print_json(out);
    } else {
      for (auto& r : results.value())
        std::cout << r.id << " v" << r.version << ": " << outcome_name(r)
                  << '\n';
    }
    return int{exit_ok};
  });
}

/// Runs one request that answers "done" and prints `what` on success.
template <class Request>
int run_event(const contract_options& o, const std::string& what,
              Request request) {
  return with_server(o.server, [&](api_client& gw) {
    auto answer = request(gw, contract_id{o.id});
    if (!answer)
      return report(answer.error());
    std::cout << o.id << ": " << what << '\n';
    return int{exit_ok};
  });
}

} // namespace

void add_contract_commands(CLI::App& app, int& rc) {
  auto o = std::make_shared<contract_options>();

  auto* submit = app.add_subcommand(
    "submit", "Submit contracts or renewals (one contract or an array)");
  submit->add_option("file", o->file, "Contract documents (JSON)")
    ->required()
    ->check(CLI::ExistingFile);
  submit
    ->add_option("--catalog", o->catalog_file,
                 "Catalog for the local checks (default: the node's)")
    ->check(CLI::ExistingFile);
  submit->add_flag("--json", o->json, "Print JSON");
  add_server_options(*submit, o->server);
  submit->callback([o, &rc] { rc = run_submit(*o); });

  auto* start = app.add_subcommand(
    "start", "Report that a contract's period started (external event)");
  start->add_option("id", o->id, "Contract id")->required();
  start->add_option("--event-id", o->event_id,
                    "Event id; a repeated id changes nothing");
  add_server_options(*start, o->server);
  start->callback([o, &rc] {
    rc = run_event(*o, "start recorded",
                   [o](api_client& gw, const contract_id& id) {
                     return gw.start(id, o->event_id);
                   });
  });

  auto* cancel = app.add_subcommand(
    "cancel", "Cancel a contract: deprovision in reverse order, then end");
  cancel->add_option("id", o->id, "Contract id")->required();
  add_server_options(*cancel, o->server);
  cancel->callback([o, &rc] {
    rc = run_event(*o, "cancel recorded",
                   [](api_client& gw, const contract_id& id) {
                     return gw.cancel(id);
                   });
  });

  auto* retry = app.add_subcommand("retry", "Resume a degraded contract");
  retry->add_option("id", o->id, "Contract id")->required();
  add_server_options(*retry, o->server);
  retry->callback([o, &rc] {
    rc = run_event(*o, "retry recorded",
                   [](api_client& gw, const contract_id& id) {
                     return gw.retry(id);
                   });
  });
}

} // namespace onset::cli
