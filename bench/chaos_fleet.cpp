#include "bench/chaos_fleet.hpp"

#include <cstdio>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "bench/log_events.hpp"
#include "nodes/fleet/fleet_audit.hpp"
#include "nodes/fleet/fleet_store.hpp"

namespace onset::bench {

namespace {

/// A share in 0..1 written as a decimal number, or nullopt.
std::optional<double> share(const std::string& text) {
  static const std::regex decimal{"^(0|1)?(\\.[0-9]+)?$"};
  if (text.empty() || text == "." || !std::regex_match(text, decimal))
    return std::nullopt;
  auto x = std::stod(text);
  return x <= 1.0 ? std::optional<double>{x} : std::nullopt;
}

std::string decimal(double x) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", x);
  return buf;
}

std::string seqs(const std::vector<uint64_t>& xs) {
  std::string result;
  for (auto x : xs)
    result += (result.empty() ? "" : ",") + std::to_string(x);
  return result;
}

/// The evidence of one stream of the effect log.
nodes::endpoint_evidence::stream evidence_of(const fleet::stream_audit& x) {
  nodes::endpoint_evidence::stream result;
  result.effects = x.effects;
  result.duplicated = x.duplicated.size();
  result.disorders = x.gaps.size() + x.order_violations.size();
  result.conflicts = x.conflicts;
  auto name = x.stream.to_string();
  if (!x.duplicated.empty())
    result.problems.push_back("duplicated: " + name + " seqs "
                              + seqs(x.duplicated)
                              + " performed more than once at the fleet");
  for (auto& [after, next] : x.gaps)
    result.problems.push_back("reordered: " + name + " seq "
                              + std::to_string(next) + " performed after "
                              + std::to_string(after) + " at the fleet");
  if (!x.order_violations.empty())
    result.problems.push_back("reordered: " + name + " seqs "
                              + seqs(x.order_violations)
                              + " performed after a higher one at the fleet");
  if (x.conflicts > 0)
    result.problems.push_back("conflict: " + name + " answered "
                              + std::to_string(x.conflicts)
                              + " conflicts at the fleet");
  return result;
}

} // namespace

std::optional<std::string> parse_fleet_faults(const std::string& spec,
                                              fleet_faults& out) {
  auto x = out;
  std::istringstream in{spec};
  std::string item;
  bool any = false;
  while (std::getline(in, item, ',')) {
    any = true;
    auto eq = item.find('=');
    auto name = item.substr(0, eq);
    auto value = eq == std::string::npos ? std::string{} : item.substr(eq + 1);
    if (eq == std::string::npos
        && (name == "state_only" || name == "idempotent")) {
      x.state_only = name == "state_only";
    } else if (eq != std::string::npos
               && (name == "lose_reply" || name == "fail")) {
      auto p = share(value);
      if (!p)
        return name + ": '" + value + "' is not a share in 0..1";
      (name == "fail" ? x.fail : x.lose_reply) = *p;
    } else if (eq != std::string::npos
               && (name == "latency" || name == "timeout")) {
      static const std::regex ms{"^[0-9]{1,5}$"};
      auto low = name == "timeout" ? 1 : 0;
      if (!std::regex_match(value, ms) || std::stoi(value) < low)
        return name + ": '" + value + "' is not milliseconds ("
               + std::to_string(low) + "..99999)";
      (name == "latency" ? x.latency_ms : x.timeout_ms) = std::stoi(value);
    } else {
      return "'" + item
             + "' is not state_only, idempotent, lose_reply=P, fail=P, "
               "latency=MS or timeout=MS";
    }
  }
  if (!any || (!spec.empty() && spec.back() == ','))
    return "'" + spec + "' holds an empty item";
  out = x;
  return std::nullopt;
}

std::string to_string(const fleet_faults& x) {
  return std::string{x.state_only ? "state_only" : "idempotent"}
         + ",lose_reply=" + decimal(x.lose_reply) + ",fail=" + decimal(x.fail)
         + ",latency=" + std::to_string(x.latency_ms)
         + ",timeout=" + std::to_string(x.timeout_ms);
}

std::vector<std::string> fleet_args(const fleet_faults& x, uint64_t seed) {
  std::vector<std::string> result{"--lose-reply", decimal(x.lose_reply),
                                  "--fail",       decimal(x.fail),
                                  "--latency",    std::to_string(x.latency_ms),
                                  "--seed",       std::to_string(seed)};
  if (x.state_only)
    result.push_back("--state-only");
  return result;
}

std::set<std::pair<std::string, uint64_t>>
found_present(const std::vector<std::string>& logs) {
  std::set<std::pair<std::string, uint64_t>> result;
  for (auto& log : logs)
    for_each_event(log, [&](const nlohmann::json& e) {
      if (e.value("event", "") == "endpoint.effect_present"
          && e.contains("stream") && e["stream"].is_string()
          && e.contains("seq") && e["seq"].is_number_unsigned())
        result.emplace(e["stream"].get<std::string>(),
                       e["seq"].get<uint64_t>());
    });
  return result;
}

nodes::endpoint_evidence
fleet_evidence(const std::string& dir, const catalog& cat,
               const std::set<std::pair<std::string, uint64_t>>& present) {
  persistence::environment_options opts;
  opts.directory = dir;
  opts.reader_check_interval = std::chrono::seconds{0};
  auto env = persistence::environment::open(opts);
  if (!env)
    throw std::runtime_error("cannot read the fleet's " + dir + ": "
                             + persistence::to_string(env.error()));
  auto report = fleet::audit(**env, cat);
  if (!report)
    throw std::runtime_error("the fleet's audit of " + dir + ": "
                             + persistence::to_string(report.error()));
  nodes::endpoint_evidence result;
  for (auto& x : report->streams)
    result.streams[x.stream.to_string()] = evidence_of(x);
  // Every seq the log holds an effect or a skip of, performed once or more.
  auto txn = (*env)->begin_read();
  if (!txn)
    throw std::runtime_error("cannot read the fleet's " + dir + ": "
                             + persistence::to_string(txn.error()));
  auto walked = fleet::for_each_log(txn, [&](const fleet::log_entry& x) {
    if (x.what == fleet::log_entry::type::effect)
      result.streams[x.stream.to_string()].delivered.insert(x.seq);
  });
  if (!walked)
    throw std::runtime_error("the fleet's effect log in " + dir + ": "
                             + persistence::to_string(walked.error()));
  for (auto& [stream, seq] : present)
    result.streams[stream].delivered.insert(seq);
  for (auto& t : report->targets) {
    if (t.ref.to.kind == target_kind::device) {
      auto& d = result.devices[t.ref.device];
      d.firmware = t.firmware;
      d.apps = t.apps;
      d.values = t.values;
    } else {
      auto& s = result.services[{service_id{t.ref.to.name}, t.ref.device}];
      s.registered = t.registered;
      s.active = t.active;
      s.values = t.values;
    }
  }
  return result;
}

std::string fleet_figures(const chaos_plan& plan, const fleet_faults& faults,
                          const std::string& fleet_log, uint64_t found_present,
                          uint64_t conflicts) {
  auto n = [](uint64_t x) { return std::to_string(x); };
  return " endpoints=fleet fleet_faults=" + to_string(faults)
         + " fleet_kills=" + n(static_cast<uint64_t>(plan.fleet_kills))
         + " fleet_pauses=" + n(static_cast<uint64_t>(plan.fleet_pauses))
         + " replies_lost=" + n(count_events(fleet_log, "fleet.reply_lost"))
         + " fleet_failures="
         + n(count_events(fleet_log, "fleet.injected_failure"))
         + " found_present=" + n(found_present) + " conflicts=" + n(conflicts);
}

} // namespace onset::bench
