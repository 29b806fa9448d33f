#include "nodes/cluster_audit.hpp"

#include <algorithm>
#include <set>

#include "actors/plan.hpp"
#include "messages/contract_record.hpp"
#include "messages/device_state.hpp"
#include "persistence/contract_store.hpp"
#include "persistence/device_store.hpp"
#include "persistence/outbox_store.hpp"
#include "persistence/receiver_ledger.hpp"
#include "persistence/service_store.hpp"

namespace onset::nodes {

namespace {

/// Everything the audit reads, merged over the nodes: each id lives on
/// exactly one node, so nothing is merged twice.
struct cluster_state {
  /// Receiver side: per stream, the watermark and the counted effects.
  std::map<stream_id, uint64_t> applied;
  std::map<stream_id, std::map<uint64_t, uint64_t>> effects;
  /// Outbox side: per stream, the last written and the acked seq.
  std::map<stream_id, std::pair<uint64_t, uint64_t>> outbox;
  /// Only read for an endpoint's evidence: per stream, the acked seqs that
  /// are a `skip` (the receiver takes them without the endpoint).
  std::map<stream_id, std::set<uint64_t>> acked_skips;
  std::vector<contract_record> contracts;
  std::map<device_id, device_state> devices;
  std::map<std::pair<service_id, device_id>, service_device_state> services;
};

invalid_input read_failure(const persistence::environment& env,
                           const persistence::failure& why) {
  return invalid_input{env.options().directory, persistence::to_string(why)};
}

/// Reads one node's stores into `out`; a failure names the store.
std::optional<invalid_input> read_node(persistence::environment& env,
                                       const catalog& cat, cluster_state& out) {
  namespace p = persistence;
  auto txn = env.begin_read();
  if (!txn)
    return read_failure(env, txn.error());
  std::optional<p::failure> problem;
  auto keep = [&](const p::failure& x) {
    if (!problem)
      problem = x;
  };
  auto walked = p::receiver_ledger::for_each_effect(
    txn, [&](const stream_id& s, uint64_t seq, uint64_t count) {
      out.effects[s][seq] = count;
    });
  if (!walked)
    return read_failure(env, walked.error());
  for (auto& [s, _] : out.effects) {
    if (out.applied.count(s) > 0)
      continue;
    auto w = p::receiver_ledger::applied(txn, s);
    if (!w)
      return read_failure(env, w.error());
    if (*w > 0)
      out.applied[s] = *w;
  }
  auto contracts = p::contract_store::for_each(
    txn, [&](const contract_record& x) { out.contracts.push_back(x); }, keep);
  if (!contracts)
    return read_failure(env, contracts.error());
  auto devices = p::device_store::for_each(
    txn, [&](const device_state& x) { out.devices[x.registration.id] = x; },
    keep);
  if (!devices)
    return read_failure(env, devices.error());
  for (auto& [service, _] : cat.services) {
    auto walked_service = p::service_store::for_each_device_of(
      txn, service,
      [&, id = service](const device_id& d, const service_device_state& x) {
        out.services[{id, d}] = x;
      },
      keep);
    if (!walked_service)
      return read_failure(env, walked_service.error());
  }
  if (problem)
    return read_failure(env, *problem);
  return std::nullopt;
}

/// The acked seqs of `s` (up to `acked`) that are a `skip`.
persistence::result<std::set<uint64_t>>
acked_skips(persistence::transaction& txn, const stream_id& s, uint64_t acked) {
  std::set<uint64_t> result;
  for (uint64_t seq = 1; seq <= acked; ++seq) {
    auto x = persistence::outbox_store::get(txn, s, seq);
    if (!x)
      return x.error();
    if (*x && (*x)->kind == step_kind::skip)
      result.insert(seq);
  }
  return result;
}

/// The outbox streams of the contracts read so far from `env`, and with
/// `skips` their acked skips.
std::optional<invalid_input>
read_outboxes(persistence::environment& env,
              const std::vector<contract_record>& contracts, bool skips,
              cluster_state& out) {
  namespace p = persistence;
  auto txn = env.begin_read();
  if (!txn)
    return read_failure(env, txn.error());
  for (auto& rec : contracts) {
    auto streams = p::outbox_store::streams_of(txn, rec.doc.id);
    if (!streams)
      return read_failure(env, streams.error());
    for (auto& s : *streams) {
      auto last = p::outbox_store::last_seq(txn, s);
      auto acked = p::outbox_store::acked(txn, s);
      if (!last)
        return read_failure(env, last.error());
      if (!acked)
        return read_failure(env, acked.error());
      out.outbox[s] = {*last, *acked};
      if (!skips)
        continue;
      auto found = acked_skips(txn, s, *acked);
      if (!found)
        return read_failure(env, found.error());
      if (!found->empty())
        out.acked_skips[s] = std::move(*found);
    }
  }
  return std::nullopt;
}

class checker {
public:
  checker(audit_report& report, size_t max_problems)
    : report_(report), max_(max_problems) {
  }

  void problem(std::string text) {
    if (report_.problems.size() < max_)
      report_.problems.push_back(std::move(text));
  }

private:
  audit_report& report_;
  size_t max_;
};

/// The outbox streams against an endpoint's evidence (cluster_audit.hpp):
/// acked seqs it neither performed nor held, and its own log's duplicates,
/// disorders and conflicts. The receivers' effect counts are not checked.
void check_endpoint_streams(const cluster_state& st,
                            const endpoint_evidence& ev, audit_report& r,
                            checker& c) {
  // By their text, as the endpoint names them.
  std::map<std::string, const std::pair<uint64_t, uint64_t>*> outbox;
  std::map<std::string, const std::set<uint64_t>*> skips;
  for (auto& [s, x] : st.outbox)
    outbox[s.to_string()] = &x;
  for (auto& [s, x] : st.acked_skips)
    skips[s.to_string()] = &x;
  std::set<std::string> all;
  for (auto& [s, _] : ev.streams)
    all.insert(s);
  for (auto& [s, _] : outbox)
    all.insert(s);
  static const endpoint_evidence::stream none;
  for (auto& s : all) {
    audit_stream a;
    a.stream = s;
    auto e = ev.streams.find(s);
    auto& at = e == ev.streams.end() ? none : e->second;
    a.effects = at.effects;
    a.duplicated = at.duplicated;
    a.gaps = at.disorders;
    for (auto& p : at.problems)
      c.problem(p);
    if (auto o = outbox.find(s); o != outbox.end()) {
      ++r.outbox_streams;
      a.last = o->second->first;
      a.acked = o->second->second;
      auto k = skips.find(s);
      for (uint64_t seq = 1; seq <= a.acked; ++seq)
        if (at.delivered.count(seq) == 0
            && (k == skips.end() || k->second->count(seq) == 0))
          ++a.lost;
      if (a.lost > 0)
        c.problem("lost: " + a.stream + " acked " + std::to_string(a.acked)
                  + " but " + std::to_string(a.lost)
                  + " of those seqs (skips apart) were neither performed at "
                    "the endpoint nor found there");
      r.acked += a.acked;
      r.pending += a.last - a.acked;
      r.lost += a.lost;
    }
    if (!at.delivered.empty())
      ++r.streams;
    r.instructions += a.effects;
    r.duplicated += a.duplicated;
    r.gaps += a.gaps;
    r.conflicts += at.conflicts;
    if (a.gaps > 0)
      ++r.reordered;
    r.per_stream.push_back(std::move(a));
  }
}

void check_streams(const cluster_state& st, audit_report& r, checker& c) {
  std::set<stream_id> all;
  for (auto& [s, _] : st.effects)
    all.insert(s);
  for (auto& [s, _] : st.outbox)
    all.insert(s);
  for (auto& s : all) {
    audit_stream a;
    a.stream = s.to_string();
    auto w = st.applied.find(s);
    a.applied = w == st.applied.end() ? 0 : w->second;
    static const std::map<uint64_t, uint64_t> none;
    auto e = st.effects.find(s);
    auto& effects = e == st.effects.end() ? none : e->second;
    uint64_t expected = 1;
    for (auto& [seq, count] : effects) {
      if (seq != expected)
        a.gaps += seq > expected ? seq - expected : 1;
      expected = seq + 1;
      ++a.effects;
      r.max_effect_count = std::max(r.max_effect_count, count);
      if (count > 1) {
        ++a.duplicated;
        c.problem("duplicated: " + a.stream + " seq=" + std::to_string(seq)
                  + " applied " + std::to_string(count) + " times");
      }
    }
    if (a.effects != a.applied)
      a.gaps += a.effects > a.applied ? a.effects - a.applied
                                      : a.applied - a.effects;
    if (a.gaps > 0)
      c.problem("reordered: " + a.stream + " applied watermark "
                + std::to_string(a.applied) + " with "
                + std::to_string(a.effects) + " effects not 1.."
                + std::to_string(a.applied));
    if (auto o = st.outbox.find(s); o != st.outbox.end()) {
      ++r.outbox_streams;
      a.last = o->second.first;
      a.acked = o->second.second;
      for (uint64_t seq = 1; seq <= a.acked; ++seq)
        if (effects.count(seq) == 0)
          ++a.lost;
      if (a.lost > 0)
        c.problem("lost: " + a.stream + " acked " + std::to_string(a.acked)
                  + " but " + std::to_string(a.lost)
                  + " of those seqs have no effect at the receiver");
      r.acked += a.acked;
      r.pending += a.last - a.acked;
      r.lost += a.lost;
    }
    if (!effects.empty() || a.applied > 0)
      ++r.streams;
    r.instructions += a.effects;
    r.duplicated += a.duplicated;
    r.gaps += a.gaps;
    if (a.gaps > 0)
      ++r.reordered;
    r.per_stream.push_back(std::move(a));
  }
}

/// The printers `options` expects left behind of `rec`; nullptr: none.
const std::set<device_id>* left_behind_of(const contract_record& rec,
                                          const audit_options& options) {
  auto i = options.left_behind.find(rec.doc.id);
  return i == options.left_behind.end() ? nullptr : &i->second;
}

contract_state expected_state(const contract_record& rec,
                              const audit_options& options) {
  if (rec.ending || rec.doc.end <= options.now)
    return contract_state::ended;
  if (rec.started || rec.doc.start <= options.now)
    return left_behind_of(rec, options) != nullptr ? contract_state::degraded
                                                   : contract_state::active;
  return contract_state::scheduled;
}

/// What every printer and (service, printer) should hold: the union of what
/// the contracts expected `active` want, and of what the contracts expected
/// `degraded` want for their printers not left behind, over the
/// registration.
struct wanted {
  std::map<device_id, device_state> devices;
  std::map<std::pair<service_id, device_id>, service_device_state> services;
  std::map<device_id, firmware_version> min_firmware;
};

wanted wanted_state(const cluster_state& st, const catalog& cat,
                    const audit_options& options) {
  wanted w;
  for (auto& [id, d] : st.devices) {
    auto& x = w.devices[id];
    x.apps = d.registration.apps;
    std::sort(x.apps.begin(), x.apps.end());
  }
  for (auto& rec : st.contracts) {
    auto expected = expected_state(rec, options);
    if (expected != contract_state::active
        && expected != contract_state::degraded)
      continue;
    // A contract naming a service gone from the catalog is degraded by its
    // node; no state is expected of it here.
    auto want = actors::desired_for(rec, cat);
    if (!want)
      continue;
    auto* behind = left_behind_of(rec, options);
    auto skipped = [behind](const device_id& id) {
      return behind != nullptr && behind->count(id) > 0;
    };
    for (auto& [id, d] : want.value().devices) {
      if (skipped(id))
        continue;
      auto& x = w.devices[id];
      std::vector<std::string> apps;
      std::set_union(x.apps.begin(), x.apps.end(), d.apps.begin(), d.apps.end(),
                     std::back_inserter(apps));
      x.apps = std::move(apps);
      for (auto& [key, value] : d.values)
        x.values[key] = value;
      auto& fw = w.min_firmware[id];
      fw = std::max(fw, d.min_firmware);
    }
    for (auto& [service, per_device] : want.value().services)
      for (auto& [device, values] : per_device) {
        if (skipped(device))
          continue;
        auto& x = w.services[{service, device}];
        x.registered = true;
        x.active = true;
        for (auto& [key, value] : values)
          x.values[key] = value;
      }
  }
  return w;
}

std::string joined(const std::set<device_id>& xs) {
  std::string result;
  for (auto& x : xs)
    result += (result.empty() ? "" : ",") + x.str();
  return result.empty() ? "none" : result;
}

/// Whether `rec`, expected degraded, left exactly the expected printers
/// behind; counts them in `r.left_behind`.
bool check_left_behind(const contract_record& rec,
                       const std::set<device_id>& expected, audit_report& r,
                       checker& c) {
  std::set<device_id> have;
  for (auto& [id, _] : rec.degraded_devices)
    have.insert(id);
  if (have != expected) {
    c.problem("unsettled: contract " + rec.doc.id.str() + " left behind "
              + joined(have) + ", expected " + joined(expected));
    return false;
  }
  r.left_behind += have.size();
  return true;
}

void check_settled(const cluster_state& st, const catalog& cat,
                   const audit_options& options, audit_report& r, checker& c) {
  // Where the effects live: the receivers' stores, or the endpoint.
  auto& devices = options.endpoint ? options.endpoint->devices : st.devices;
  auto& services = options.endpoint ? options.endpoint->services : st.services;
  for (auto& rec : st.contracts) {
    audit_contract a;
    a.id = rec.doc.id;
    a.version = rec.doc.version;
    a.state = to_string(rec.state);
    auto expected = expected_state(rec, options);
    a.expected = to_string(expected);
    if (a.state != a.expected) {
      ++r.unsettled;
      c.problem("unsettled: contract " + a.id.str() + " v"
                + std::to_string(a.version) + " is " + a.state + ", expected "
                + a.expected
                + (rec.reason.empty() ? "" : " (" + rec.reason + ")"));
    } else if (expected == contract_state::degraded
               && !check_left_behind(rec, *left_behind_of(rec, options), r,
                                     c)) {
      ++r.unsettled;
    }
    r.contracts.push_back(std::move(a));
  }
  auto w = wanted_state(st, cat, options);
  for (auto& [id, want] : w.devices) {
    auto d = devices.find(id);
    if (d == devices.end()) {
      ++r.mismatched;
      c.problem("mismatched: printer " + id.str() + " is wanted but unknown");
      continue;
    }
    auto& have = d->second;
    auto fw = w.min_firmware.find(id);
    bool firmware_ok = fw == w.min_firmware.end()
                       || have.firmware >= fw->second;
    if (!firmware_ok || have.apps != want.apps || have.values != want.values) {
      ++r.mismatched;
      c.problem("mismatched: printer " + id.str() + " firmware "
                + have.firmware.to_string() + (firmware_ok ? "" : " too low")
                + (have.apps != want.apps ? ", applications differ" : "")
                + (have.values != want.values ? ", settings differ" : ""));
    }
  }
  std::set<std::pair<service_id, device_id>> keys;
  for (auto& [k, _] : w.services)
    keys.insert(k);
  for (auto& [k, _] : services)
    keys.insert(k);
  for (auto& k : keys) {
    auto want = w.services.find(k);
    auto have = services.find(k);
    auto wanted_x = want == w.services.end() ? service_device_state{}
                                             : want->second;
    auto have_x = have == services.end() ? service_device_state{}
                                         : have->second;
    if (!(wanted_x == have_x)) {
      ++r.mismatched;
      c.problem(
        "mismatched: service " + k.first.str() + " printer " + k.second.str()
        + (have_x.active ? " active" : " inactive") + ", expected "
        + (wanted_x.active ? "active" : "inactive")
        + (have_x.values == wanted_x.values ? "" : ", settings differ"));
    }
  }
}

} // namespace

outcome<audit_report>
audit_cluster(const std::vector<persistence::environment*>& envs,
              const catalog& cat, const audit_options& options) {
  cluster_state st;
  for (auto* env : envs) {
    auto first = st.contracts.size();
    if (auto problem = read_node(*env, cat, st))
      return *problem;
    std::vector<contract_record> mine(st.contracts.begin() + first,
                                      st.contracts.end());
    if (auto problem = read_outboxes(*env, mine, options.endpoint.has_value(),
                                     st))
      return *problem;
  }
  audit_report r;
  checker c{r, options.max_problems};
  r.devices = st.devices.size();
  if (options.endpoint)
    check_endpoint_streams(st, *options.endpoint, r, c);
  else
    check_streams(st, r, c);
  if (options.expect_settled) {
    r.settled_checked = true;
    check_settled(st, cat, options, r, c);
    if (r.pending > 0)
      c.problem("pending: " + std::to_string(r.pending)
                + " instructions written but not acknowledged");
  }
  return r;
}

} // namespace onset::nodes
