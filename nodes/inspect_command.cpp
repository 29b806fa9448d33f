#include "nodes/inspect_command.hpp"

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "actors/engine_config.hpp"
#include "config/catalog_loader.hpp"
#include "nodes/cluster_audit.hpp"
#include "persistence/environment.hpp"

namespace onset::nodes {

namespace {

nlohmann::json to_json(const audit_report& r, bool verbose) {
  nlohmann::json out{{"streams", r.streams},
                     {"instructions", r.instructions},
                     {"duplicated", r.duplicated},
                     {"gaps", r.gaps},
                     {"reordered", r.reordered},
                     {"max_effect_count", r.max_effect_count},
                     {"outbox_streams", r.outbox_streams},
                     {"acked", r.acked},
                     {"lost", r.lost},
                     {"pending", r.pending},
                     {"devices", r.devices},
                     {"problems", r.problems},
                     {"ok", r.ok()}};
  if (r.settled_checked) {
    out["unsettled"] = r.unsettled;
    out["mismatched"] = r.mismatched;
    auto contracts = nlohmann::json::array();
    for (auto& c : r.contracts)
      contracts.push_back({{"id", c.id.str()},
                           {"version", c.version},
                           {"state", c.state},
                           {"expected", c.expected}});
    out["contracts"] = contracts;
  }
  if (verbose) {
    auto streams = nlohmann::json::array();
    for (auto& s : r.per_stream)
      streams.push_back({{"stream", s.stream},
                         {"applied", s.applied},
                         {"effects", s.effects},
                         {"duplicated", s.duplicated},
                         {"gaps", s.gaps},
                         {"acked", s.acked},
                         {"last", s.last},
                         {"lost", s.lost}});
    out["per_stream"] = streams;
  }
  return out;
}

void print_text(const audit_report& r, bool verbose) {
  std::cout << "streams=" << r.streams << " instructions=" << r.instructions
            << " duplicated=" << r.duplicated << " gaps=" << r.gaps
            << " max_effect_count=" << r.max_effect_count
            << " acked=" << r.acked << " lost=" << r.lost
            << " pending=" << r.pending;
  if (r.settled_checked)
    std::cout << " contracts=" << r.contracts.size()
              << " unsettled=" << r.unsettled << " mismatched=" << r.mismatched;
  std::cout << (r.ok() ? " ok" : " VIOLATED") << '\n';
  for (auto& p : r.problems)
    std::cout << "  " << p << '\n';
  if (verbose)
    for (auto& x : to_json(r, true)["per_stream"])
      std::cout << "  " << x.dump() << '\n';
}

} // namespace

int run_inspect(const inspect_options& options) {
  auto cat = config::load_catalog(options.catalog_file);
  if (!cat) {
    std::cerr << "onset-node: catalog refused: " << cat.error().to_string()
              << '\n';
    return 2;
  }
  std::vector<std::unique_ptr<persistence::environment>> envs;
  std::vector<persistence::environment*> ptrs;
  for (auto& dir : options.data_dirs) {
    persistence::environment_options opts;
    opts.directory = dir;
    opts.reader_check_interval = std::chrono::seconds{0};
    auto env = persistence::environment::open(opts);
    if (!env) {
      std::cerr << "onset-node: cannot read " << dir << ": "
                << persistence::to_string(env.error()) << '\n';
      return 2;
    }
    ptrs.push_back((*env).get());
    envs.push_back(std::move(*env));
  }
  audit_options audit;
  audit.expect_settled = options.expect_settled;
  audit.now = actors::system_wall_clock()();
  auto report = audit_cluster(ptrs, cat.value(), audit);
  if (!report) {
    std::cerr << "onset-node: cannot read " << report.error().to_string()
              << '\n';
    return 2;
  }
  auto& r = report.value();
  if (options.json)
    std::cout << to_json(r, options.verbose).dump() << '\n';
  else
    print_text(r, options.verbose);
  return r.ok() ? 0 : 1;
}

} // namespace onset::nodes
