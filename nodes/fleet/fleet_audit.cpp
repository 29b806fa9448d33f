#include "nodes/fleet/fleet_audit.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "messages/error_code.hpp"
#include "nodes/fleet/fleet_core.hpp"
#include "nodes/fleet/fleet_store.hpp"
#include "persistence/device_store.hpp"
#include "persistence/keys.hpp"

namespace onset::fleet {

namespace keys = persistence::keys;
using persistence::db;
using persistence::result;

namespace {

/// What the walk over the log keeps per stream besides the report.
struct stream_walk {
  stream_audit report;
  std::set<uint64_t> performed;
  std::set<uint64_t> seen;
  uint64_t highest = 0;
};

void add_entry(stream_walk& w, const log_entry& x) {
  auto& r = w.report;
  if (x.what == log_entry::type::conflict) {
    ++r.conflicts;
    return;
  }
  bool skip = x.kind == step_kind::skip;
  if (skip)
    ++r.skips;
  else
    ++r.effects;
  if (!skip && !w.performed.insert(x.seq).second) {
    if (std::find(r.duplicated.begin(), r.duplicated.end(), x.seq)
        == r.duplicated.end())
      r.duplicated.push_back(x.seq);
  } else if (w.seen.count(x.seq) == 0) {
    if (x.seq < w.highest)
      r.order_violations.push_back(x.seq);
    else if (x.idempotent && x.seq > w.highest + 1)
      r.gaps.emplace_back(w.highest, x.seq);
  }
  w.seen.insert(x.seq);
  w.highest = std::max(w.highest, x.seq);
  r.last_seq = w.highest;
}

/// Every target the data directory holds something for.
result<std::vector<endpoint::target_ref>>
targets_of(persistence::transaction& txn) {
  std::vector<endpoint::target_ref> refs;
  auto printers
    = persistence::device_store::for_each(txn, [&](const device_state& x) {
        auto& id = x.registration.id;
        refs.push_back({target::device(id), id});
      });
  if (!printers)
    return printers.error();
  std::optional<std::string> bad_key;
  auto services = persistence::scan_prefix(
    txn, db::services, "S", [&](std::string_view key, std::string_view) {
      auto rest = key.substr(1);
      auto service = keys::get_str(rest);
      auto device = service ? keys::get_str(rest) : std::nullopt;
      if (!device || !rest.empty()) {
        bad_key = keys::printable(key);
        return false;
      }
      refs.push_back({target::service(service_id{std::string{*service}}),
                      device_id{std::string{*device}}});
      return true;
    });
  if (!services)
    return services.error();
  if (bad_key)
    return persistence::make_failure(error_code::corrupt_record,
                                     "db=services key=" + *bad_key
                                       + ": not a service and printer");
  return refs;
}

nlohmann::json seq_pairs(const std::vector<std::pair<uint64_t, uint64_t>>& xs) {
  auto out = nlohmann::json::array();
  for (auto& [after, next] : xs)
    out.push_back({{"after", after}, {"next", next}});
  return out;
}

template <class F>
uint64_t total(const audit_report& x, F f) {
  uint64_t n = 0;
  for (auto& s : x.streams)
    n += f(s);
  return n;
}

nlohmann::json totals(const audit_report& x) {
  return {
    {"streams", x.streams.size()},
    {"effects", total(x, [](auto& s) { return s.effects; })},
    {"duplicated", total(x, [](auto& s) { return s.duplicated.size(); })},
    {"conflicts", total(x, [](auto& s) { return s.conflicts; })},
    {"gaps", total(x, [](auto& s) { return s.gaps.size(); })},
    {"order_violations",
     total(x, [](auto& s) { return s.order_violations.size(); })},
  };
}

} // namespace

bool audit_report::clean() const {
  return std::all_of(streams.begin(), streams.end(), [](auto& s) {
    return s.duplicated.empty() && s.gaps.empty() && s.order_violations.empty();
  });
}

result<audit_report> audit(persistence::environment& env, const catalog& cat) {
  std::map<std::string, stream_walk> walks;
  std::vector<endpoint::target_ref> refs;
  {
    auto txn = env.begin_read();
    if (!txn)
      return txn.error();
    auto marked = is_fleet(txn);
    if (!marked)
      return marked.error();
    if (!*marked)
      return persistence::make_failure(error_code::invalid_input,
                                       "not an onset-fleet data directory");
    auto walked = for_each_log(txn, [&](const log_entry& x) {
      auto& w = walks[x.stream.to_string()];
      w.report.stream = x.stream;
      add_entry(w, x);
    });
    if (!walked)
      return walked.error();
    auto found = targets_of(txn);
    if (!found)
      return found.error();
    refs = std::move(*found);
  }
  audit_report report;
  for (auto& [text, w] : walks)
    report.streams.push_back(std::move(w.report));
  if (!refs.empty()) {
    endpoint_core reader{env, cat, core_options{}};
    auto states = reader.read(refs);
    if (!states)
      return states.error();
    report.targets = std::move(*states);
  }
  return report;
}

std::string to_json(const audit_report& x) {
  auto streams = nlohmann::json::array();
  for (auto& s : x.streams)
    streams.push_back({
      {"stream", s.stream.to_string()},
      {"effects", s.effects},
      {"skips", s.skips},
      {"duplicated", s.duplicated},
      {"conflicts", s.conflicts},
      {"gaps", seq_pairs(s.gaps)},
      {"order_violations", s.order_violations},
      {"last_seq", s.last_seq},
    });
  auto targets = nlohmann::json::array();
  for (auto& t : x.targets)
    targets.push_back(nlohmann::json::parse(endpoint::encode_target_state(t)));
  nlohmann::json doc{{"clean", x.clean()},
                     {"totals", totals(x)},
                     {"streams", std::move(streams)},
                     {"targets", std::move(targets)}};
  return doc.dump(2) + "\n";
}

std::string to_text(const audit_report& x) {
  std::ostringstream out;
  for (auto& s : x.streams) {
    out << "stream " << s.stream.to_string() << " effects=" << s.effects
        << " skips=" << s.skips << " duplicated=" << s.duplicated.size()
        << " conflicts=" << s.conflicts << " gaps=" << s.gaps.size()
        << " order_violations=" << s.order_violations.size()
        << " last_seq=" << s.last_seq;
    for (auto seq : s.duplicated)
      out << " duplicated_seq=" << seq;
    for (auto& [after, next] : s.gaps)
      out << " gap=" << after << ".." << next;
    for (auto seq : s.order_violations)
      out << " out_of_order_seq=" << seq;
    out << "\n";
  }
  for (auto& t : x.targets)
    out << "target " << endpoint::encode_target_state(t) << "\n";
  auto t = totals(x);
  out << "totals";
  for (auto& [key, value] : t.items())
    out << " " << key << "=" << value.dump();
  out << " clean=" << (x.clean() ? "true" : "false") << "\n";
  return out.str();
}

} // namespace onset::fleet
