#include "nodes/fleet/fleet_core.hpp"

#include <chrono>
#include <utility>
#include <variant>

#include "actors/service_steps.hpp"
#include "messages/error_code.hpp"
#include "messages/log.hpp"
#include "persistence/device_store.hpp"
#include "persistence/receiver_ledger.hpp"
#include "persistence/service_store.hpp"

namespace onset::fleet {

using endpoint::apply_result;
using endpoint::outcome_kind;
using persistence::result;
using persistence::status;
namespace ledger = persistence::receiver_ledger;

namespace {

/// How often an apply whose transaction filled the map grows it and tries
/// again before it gives up.
constexpr int max_map_growths = 4;

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch())
    .count();
}

/// The printer a target is about: its own, or the one a service serves.
device_id printer_of(const endpoint::target_ref& x) {
  return x.to.kind == target_kind::device ? device_id{x.to.name} : x.device;
}

apply_result result_for(const instruction& x, outcome_kind what) {
  apply_result r;
  r.stream = x.stream;
  r.seq = x.seq;
  r.outcome = what;
  return r;
}

} // namespace

endpoint_core::endpoint_core(persistence::environment& env, catalog cat,
                             core_options opts)
  : env_(env),
    catalog_(std::move(cat)),
    rules_(catalog_),
    options_(std::move(opts)) {
}

result<size_t>
endpoint_core::register_printers(const std::vector<device_record>& xs) {
  auto txn = env_.begin_write();
  if (!txn)
    return txn.error();
  auto marked = is_fleet(txn);
  if (!marked)
    return marked.error();
  if (!*marked) {
    auto contracts = txn.count(persistence::db::contracts);
    if (!contracts)
      return contracts.error();
    if (*contracts > 0)
      return persistence::make_failure(
        error_code::invalid_input,
        "not an onset-fleet data directory: it holds an Onset node's data");
    if (auto st = mark_fleet(txn); !st)
      return st.error();
  }
  size_t added = 0;
  for (auto& x : xs) {
    auto known = persistence::device_store::get(txn, x.id);
    if (!known)
      return known.error();
    if (*known)
      continue;
    device_state fresh;
    fresh.registration = x;
    fresh.firmware = x.firmware;
    fresh.apps = x.apps;
    if (auto st = persistence::device_store::put(txn, fresh); !st)
      return st.error();
    ++added;
  }
  if (auto st = txn.commit(); !st)
    return st.error();
  return added;
}

result<std::vector<apply_result>>
endpoint_core::apply(const std::vector<endpoint::apply_item>& xs) {
  pending_apply me{&xs, std::vector<apply_result>{}};
  std::unique_lock<std::mutex> guard{group_mtx_};
  waiting_.push_back(&me);
  while (!me.done) {
    if (committing_) {
      group_committed_.wait(guard);
      continue;
    }
    committing_ = true;
    std::vector<pending_apply*> group;
    group.swap(waiting_);
    guard.unlock();
    commit_group(group);
    guard.lock();
    for (auto* x : group)
      x->done = true;
    committing_ = false;
    group_committed_.notify_all();
  }
  return std::move(me.results);
}

void endpoint_core::commit_group(const std::vector<pending_apply*>& group) {
  auto st = commit_together(group);
  if (st)
    return;
  if (group.size() == 1) {
    group.front()->results = st.error();
    return;
  }
  for (auto* x : group)
    if (auto alone = commit_together({x}); !alone)
      x->results = alone.error();
}

status
endpoint_core::commit_together(const std::vector<pending_apply*>& group) {
  for (int growths = 0;; ++growths) {
    status st;
    {
      auto txn = env_.begin_write();
      if (!txn)
        return txn.error();
      for (auto* x : group) {
        x->results = apply_in(txn, *x->items);
        if (!x->results) {
          st = x->results.error();
          break;
        }
      }
      if (st)
        st = txn.commit();
    }
    if (st || !st.map_full() || growths == max_map_growths)
      return st;
    // Nothing of the group was committed: grow and apply it again.
    if (auto grown = env_.grow_map(); !grown)
      return grown.error();
    log::info("fleet.map_grown", {{"size", env_.map_size()}});
  }
}

result<std::vector<apply_result>>
endpoint_core::apply_in(persistence::write_txn& txn,
                        const std::vector<endpoint::apply_item>& xs) {
  std::vector<apply_result> results;
  results.reserve(xs.size());
  for (auto& item : xs) {
    auto r = apply_one(txn, item);
    if (!r)
      return r.error();
    results.push_back(std::move(*r));
  }
  return results;
}

std::optional<apply_result>
endpoint_core::past_deadline(const endpoint::apply_item& item) const {
  if (!item.not_after_ms)
    return std::nullopt;
  auto late = now_ms() - *item.not_after_ms;
  if (late <= 0)
    return std::nullopt;
  auto& x = item.x;
  log::info("fleet.deadline_passed", {{"stream", x.stream.to_string()},
                                      {"seq", x.seq},
                                      {"late_ms", late}});
  auto r = result_for(x, outcome_kind::retry_later);
  r.reason = "deadline_passed: not_after "
             + endpoint::time_ms_to_rfc3339(*item.not_after_ms) + " passed "
             + std::to_string(late) + " ms before the endpoint came to it";
  return r;
}

result<apply_result>
endpoint_core::apply_one(persistence::write_txn& txn,
                         const endpoint::apply_item& item) {
  auto& x = item.x;
  if (auto late = past_deadline(item))
    return std::move(*late);
  if (options_.idempotent) {
    auto settled = check_key(txn, item);
    if (!settled)
      return settled.error();
    if (*settled)
      return std::move(**settled);
  }
  auto refused = perform(txn, x);
  if (!refused)
    return refused.error();
  if (!refused->empty()) {
    auto r = result_for(x, outcome_kind::refused);
    r.reason = std::move(*refused);
    return r;
  }
  if (auto st = record(txn, item, log_entry::type::effect); !st)
    return st.error();
  auto r = result_for(x, outcome_kind::applied);
  auto state = state_of(txn, endpoint::target_of(x));
  if (!state)
    return state.error();
  r.state = std::move(*state);
  return r;
}

result<std::optional<apply_result>>
endpoint_core::check_key(persistence::write_txn& txn,
                         const endpoint::apply_item& item) {
  auto& x = item.x;
  auto applied = ledger::applied(txn, x.stream);
  if (!applied)
    return applied.error();
  if (x.seq == *applied + 1)
    return std::optional<apply_result>{};
  if (x.seq > *applied + 1) {
    auto r = result_for(x, outcome_kind::out_of_order);
    r.expected_seq = *applied + 1;
    return std::optional<apply_result>{std::move(r)};
  }
  auto digest = ledger::digest(txn, x.stream, x.seq);
  if (!digest)
    return digest.error();
  if (*digest == item.digest) {
    auto r = result_for(x, outcome_kind::already_applied);
    auto state = state_of(txn, endpoint::target_of(x));
    if (!state)
      return state.error();
    r.state = std::move(*state);
    return std::optional<apply_result>{std::move(r)};
  }
  auto r = result_for(x, outcome_kind::conflict);
  r.reason = "seq " + std::to_string(x.seq) + " of " + x.stream.to_string()
             + " was applied with another digest";
  log::error("fleet.conflict",
             {{"stream", x.stream.to_string()}, {"seq", x.seq}});
  if (auto st = record(txn, item, log_entry::type::conflict); !st)
    return st.error();
  return std::optional<apply_result>{std::move(r)};
}

result<std::string> endpoint_core::perform(persistence::write_txn& txn,
                                           const instruction& x) {
  if (x.kind == step_kind::skip)
    return std::string{};
  auto printer = printer_of(endpoint::target_of(x));
  if (options_.refused.count(printer) > 0)
    return "printer " + printer.str()
           + " refuses every instruction (onset-fleet --refuse)";
  auto known = persistence::device_store::get(txn, printer);
  if (!known)
    return known.error();
  if (!*known)
    return "unknown printer " + printer.str();
  return x.stream.to.kind == target_kind::device ? perform_device(txn, x)
                                                 : perform_service(txn, x);
}

result<std::string> endpoint_core::perform_device(persistence::write_txn& txn,
                                                  const instruction& x) {
  auto current = persistence::device_store::get(txn,
                                                device_id{x.stream.to.name});
  if (!current)
    return current.error();
  if (!*current)
    return "unknown printer " + x.stream.to.name;
  auto next = actors::apply_printer_step(rules_, **current, x);
  if (next.outcome != actors::driver_result::status::applied)
    return std::move(next.reason);
  if (auto st = persistence::device_store::put(txn, next.state); !st)
    return st.error();
  return std::string{};
}

result<std::string> endpoint_core::perform_service(persistence::write_txn& txn,
                                                   const instruction& x) {
  service_id service{x.stream.to.name};
  auto spec = catalog_.find(service);
  if (spec == nullptr)
    return "unknown service " + service.str();
  auto current = persistence::service_store::get(txn, service, x.device);
  if (!current)
    return current.error();
  auto next = actors::apply_service_step(
    *spec, current->value_or(service_device_state{}), x);
  if (auto why = std::get_if<std::string>(&next))
    return std::move(*why);
  auto& state = std::get<service_device_state>(next);
  if (auto st = persistence::service_store::put(txn, service, x.device, state);
      !st)
    return st.error();
  return std::string{};
}

status endpoint_core::record(persistence::write_txn& txn,
                             const endpoint::apply_item& item,
                             log_entry::type what) {
  auto& x = item.x;
  if (options_.idempotent && what == log_entry::type::effect) {
    if (auto st = ledger::set_applied(txn, x.stream, x.seq); !st)
      return st;
    if (auto n = ledger::count_effect(txn, x.stream, x.seq, item.digest); !n)
      return n.error();
    if (auto st = note_stream(txn, x.stream); !st)
      return st;
  }
  log_entry entry;
  entry.what = what;
  entry.idempotent = options_.idempotent;
  entry.stream = x.stream;
  entry.seq = x.seq;
  entry.kind = x.kind;
  entry.time_ms = now_ms();
  entry.digest = item.digest;
  return append_log(txn, entry);
}

result<std::vector<endpoint::target_state>>
endpoint_core::read(const std::vector<endpoint::target_ref>& xs) {
  auto txn = env_.begin_read();
  if (!txn)
    return txn.error();
  std::vector<endpoint::target_state> states;
  states.reserve(xs.size());
  for (auto& x : xs) {
    auto state = state_of(txn, x);
    if (!state)
      return state.error();
    states.push_back(std::move(*state));
  }
  return states;
}

result<endpoint::target_state>
endpoint_core::state_of(persistence::transaction& txn,
                        const endpoint::target_ref& ref) {
  endpoint::target_state s;
  s.ref = ref;
  auto printer = persistence::device_store::get(txn, printer_of(ref));
  if (!printer)
    return printer.error();
  bool is_device = ref.to.kind == target_kind::device;
  if (!*printer
      || (!is_device && catalog_.find(service_id{ref.to.name}) == nullptr)) {
    s.known = false;
    return s;
  }
  if (is_device) {
    s.firmware = (*printer)->firmware;
    s.apps = (*printer)->apps;
    s.values = (*printer)->values;
  } else {
    auto at = persistence::service_store::get(txn, service_id{ref.to.name},
                                              printer_of(ref));
    if (!at)
      return at.error();
    if (*at) {
      s.registered = (*at)->registered;
      s.active = (*at)->active;
      s.values = (*at)->values;
    }
  }
  if (options_.idempotent) {
    auto streams = streams_of(txn, ref);
    if (!streams)
      return streams.error();
    for (auto& [stream, seq] : *streams)
      s.streams[stream.to_string()] = seq;
  }
  return s;
}

endpoint::health endpoint_core::health() const {
  endpoint::health h;
  h.idempotent = options_.idempotent;
  return h;
}

} // namespace onset::fleet
