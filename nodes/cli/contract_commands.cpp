// `onset submit`, `onset start`, `onset cancel`, `onset retry`: the contract
// events an operator injects through the GATEWAY.
#include "nodes/cli/commands.hpp"

#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "config/catalog_loader.hpp"
#include "messages/contract_json.hpp"
#include "nodes/cli/exit_code.hpp"
#include "nodes/cli/gateway_options.hpp"
#include "nodes/cli/output.hpp"
#include "nodes/cli/view_json.hpp"

namespace onset::cli {

namespace {

struct contract_options {
  gateway_options gateway;
  std::string catalog_file = ONSET_DEFAULT_CATALOG;
  std::string file;
  std::string id;
  std::string event_id;
  bool json = false;
};

int run_submit(const contract_options& o) {
  auto cat = config::load_catalog(o.catalog_file);
  if (!cat) {
    std::cerr << "onset: " << cat.error().to_string() << '\n';
    return exit_refused;
  }
  std::string text;
  if (!read_input(o.file, text))
    return exit_refused;
  // Checked here first, so that a bad document is refused with its field
  // before anything is sent; the gateway checks again.
  auto docs = parse_contracts(text, cat.value());
  if (!docs)
    return refuse_input(docs.error());
  return with_gateway(o.gateway, [&](gateway_client& gw) {
    auto results = gw.submit(std::move(docs.value()));
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
  return with_gateway(o.gateway, [&](gateway_client& gw) {
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
    ->add_option("--catalog", o->catalog_file, "Catalog for the local checks")
    ->check(CLI::ExistingFile)
    ->capture_default_str();
  submit->add_flag("--json", o->json, "Print JSON");
  add_gateway_options(*submit, o->gateway);
  submit->callback([o, &rc] { rc = run_submit(*o); });

  auto* start = app.add_subcommand(
    "start", "Report that a contract's period started (external event)");
  start->add_option("id", o->id, "Contract id")->required();
  start->add_option("--event-id", o->event_id,
                    "Event id; a repeated id changes nothing");
  add_gateway_options(*start, o->gateway);
  start->callback([o, &rc] {
    rc = run_event(*o, "start recorded",
                   [o](gateway_client& gw, const contract_id& id) {
                     return gw.start(id, o->event_id);
                   });
  });

  auto* cancel = app.add_subcommand(
    "cancel", "Cancel a contract: deprovision in reverse order, then end");
  cancel->add_option("id", o->id, "Contract id")->required();
  add_gateway_options(*cancel, o->gateway);
  cancel->callback([o, &rc] {
    rc = run_event(*o, "cancel recorded",
                   [](gateway_client& gw, const contract_id& id) {
                     return gw.cancel(id);
                   });
  });

  auto* retry = app.add_subcommand("retry", "Resume a degraded contract");
  retry->add_option("id", o->id, "Contract id")->required();
  add_gateway_options(*retry, o->gateway);
  retry->callback([o, &rc] {
    rc = run_event(*o, "retry recorded",
                   [](gateway_client& gw, const contract_id& id) {
                     return gw.retry(id);
                   });
  });
}

} // namespace onset::cli
