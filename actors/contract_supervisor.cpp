#include "actors/contract_supervisor.hpp"

#include <algorithm>
#include <chrono>

#include <caf/event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/contract_actor.hpp"
#include "actors/contract_storage.hpp"
#include "actors/contract_views.hpp"
#include "actors/plan.hpp"
#include "messages/contract_json.hpp"
#include "messages/error_code.hpp"

namespace onset {

namespace {

using self_ptr
  = contract_supervisor_actor::stateful_pointer<contract_supervisor_state>;

caf::error storage_error(const persistence::failure& x) {
  return caf::make_error(x.code, x.context);
}

/// The CONTRACT actor of `id`, spawned unless it runs already: a due date
/// can spawn it between the write of a new contract and the STORE's answer,
/// and two actors for one contract would fight over its outbox.
contract_actor spawn_contract(self_ptr self, const contract_id& id) {
  auto& st = self->state;
  if (auto i = st.running->find(id); i != st.running->end())
    return i->second;
  auto child = self->spawn<caf::monitored>(contract_behavior, id, st.ctx);
  (*st.running)[id] = child;
  st.by_address[child.address()] = id;
  return child;
}

/// The running CONTRACT actor of `id`, spawned from the store if needed;
/// nullptr-handle if the store has no such contract or it has ended.
caf::expected<contract_actor> find_contract(self_ptr self,
                                            const contract_id& id) {
  auto& st = self->state;
  if (auto i = st.running->find(id); i != st.running->end())
    return i->second;
  auto stored = contract_storage::load(*st.ctx->env, id);
  if (!stored)
    return storage_error(stored.error());
  if (!stored.value())
    return refusal(error_code::unknown_contract,
                   "contract " + id.str() + " is not known");
  if (stored.value()->record.state == contract_state::ended)
    return refusal(error_code::wrong_state,
                   "contract " + id.str() + " has ended");
  return spawn_contract(self, id);
}

/// Marks a contract that keeps crashing `degraded`, so that operators see it.
void escalate(self_ptr self, const contract_id& id, const caf::error& reason) {
  auto& st = self->state;
  auto stored = contract_storage::load(*st.ctx->env, id);
  if (!stored || !stored.value())
    return;
  auto detail = "crashed " + std::to_string(st.crashes[id].size())
                + " times within the restart window (last: "
                + self->system().render(reason) + "); retry to resume";
  spdlog::error("{} contract.escalated id={} {}", st.tag, id.str(), detail);
  contract_change change;
  change.record = stored.value()->record;
  change.record->reason = detail;
  change.history.push_back(
    history_entry{st.ctx->now(), history_kind::transition,
                  std::string{to_string(change.record->state)}
                    + "->degraded reason=crash "
                      "loop"});
  change.history.push_back(
    history_entry{st.ctx->now(), history_kind::problem, detail});
  change.record->state = contract_state::degraded;
  persistence::request_write(self, st.ctx->store,
                             contract_storage::batch(id, std::move(change)))
    .then([](atom::ok) {},
          [self, id](caf::error& err) {
            spdlog::error("{} escalate.failed id={} error={}", self->state.tag,
                          id.str(), self->system().render(err));
          });
}

void on_child_down(self_ptr self, const caf::down_msg& msg) {
  auto& st = self->state;
  auto i = st.by_address.find(msg.source);
  if (i == st.by_address.end())
    return;
  auto id = i->second;
  st.by_address.erase(i);
  st.running->erase(id);
  if (!msg.reason) {
    spdlog::info("{} contract.stopped id={}", st.tag, id.str());
    return;
  }
  auto now = self->clock().now();
  auto& times = st.crashes[id];
  times.push_back(now);
  while (!times.empty() && now - times.front() > st.ctx->config.restart_window)
    times.pop_front();
  if (times.size() > st.ctx->config.restart_limit) {
    escalate(self, id, msg.reason);
    return;
  }
  spdlog::warn("{} contract.restart id={} crashes={} reason={}", st.tag,
               id.str(), times.size(), self->system().render(msg.reason));
  spawn_contract(self, id);
}

/// Fires every due start and end date, then sleeps until the next one (at
/// most `timer_poll`): until the start of its second, not a whole number of
/// seconds from now, so that a contract starts when its date arrives.
void check_timers(self_ptr self) {
  auto& st = self->state;
  auto now = st.ctx->now();
  auto due = contract_storage::due_timers(*st.ctx->env, now);
  if (!due) {
    spdlog::error("{} timers.failed {}", st.tag,
                  persistence::to_string(due.error()));
  } else if (!due.value().empty()) {
    auto started = std::chrono::steady_clock::now();
    for (auto& t : due.value()) {
      auto target = find_contract(self, t.contract);
      if (target)
        self->send(*target, atom::due_v, t.kind);
    }
    spdlog::info("{} timers.fired due={} at={} ms={}", st.tag,
                 due.value().size(), now.to_rfc3339(),
                 std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - started)
                   .count());
  }
  auto wait = st.ctx->config.timer_poll;
  auto next = contract_storage::next_timer(*st.ctx->env);
  // The clock again, after the firing above (which can take a while), and
  // the fraction first: if the second turns between the two reads, the
  // wait comes out early (a check that finds nothing and sleeps again),
  // never late. A fired timer stays stored until its CONTRACT has handled
  // it, so a next date not after `now` is one of those: poll.
  auto into = st.ctx->into_second ? st.ctx->into_second()
                                  : engine_config::duration::zero();
  auto later = st.ctx->now();
  if (next && next.value()) {
    auto at = next.value()->at.seconds;
    if (at > later.seconds)
      wait = std::min<engine_config::duration>(
        wait, std::chrono::seconds{at - later.seconds} - into);
    else if (at > now.seconds) // came due while the others were fired
      wait = engine_config::duration::zero();
  }
  self->delayed_send(self, wait, atom::tick_v, ++st.timer_generation);
}

/// Checks the printers of `doc`: registered, and the contract customer's.
caf::error check_tenancy(const contract& doc, const catalog& cat,
                         const std::vector<device_record>& records) {
  std::map<device_id, device_record> known;
  for (auto& r : records)
    known.emplace(r.id, r);
  auto lookup = [&](const device_id& id) -> const device_record* {
    auto i = known.find(id);
    return i == known.end() ? nullptr : &i->second;
  };
  auto want = compute_desired_state(doc, cat, lookup);
  if (want)
    return caf::none;
  // compute_desired_state names `devices[i]`; tell which refusal it is.
  auto& problem = want.error();
  bool unknown = true;
  for (size_t i = 0; i < doc.devices.size(); ++i)
    if (problem.field == "devices[" + std::to_string(i) + "]")
      unknown = lookup(doc.devices[i]) == nullptr;
  return refusal(unknown ? error_code::unknown_device
                         : error_code::foreign_device,
                 problem.to_string());
}

/// Writes a new contract, then spawns its actor and answers.
void create(self_ptr self, contract doc, std::vector<device_record> records,
            caf::typed_response_promise<submit_result> rp) {
  auto& st = self->state;
  contract_record rec;
  rec.doc = doc;
  for (auto& r : records)
    rec.ledger.devices.emplace(r.id, initial_ledger(r));
  contract_change change;
  change.record = rec;
  change.add_timers = timers_of(doc);
  if (!doc.event_id.empty())
    change.events.push_back(doc.event_id);
  change.history.push_back(
    history_entry{st.ctx->now(), history_kind::accepted,
                  "version=" + std::to_string(doc.version)
                    + " new devices=" + std::to_string(doc.devices.size())});
  auto id = doc.id;
  auto result = submit_result{id, doc.version, false, false};
  auto event = doc.event_id;
  persistence::request_write(self, st.ctx->store,
                             contract_storage::batch(id, std::move(change)))
    .then(
      [self, id, result, event, rp](atom::ok) mutable {
        auto& st = self->state;
        st.creating.erase(id);
        st.events_in_flight.erase(event);
        spdlog::info("{} contract.accepted id={} version={}", st.tag, id.str(),
                     result.version);
        spawn_contract(self, id);
        rp.deliver(result);
      },
      [self, id, event, rp](caf::error& err) mutable {
        self->state.creating.erase(id);
        self->state.events_in_flight.erase(event);
        rp.deliver(err);
      });
}

/// Routes a renewal to the contract's actor.
void renew(self_ptr self, contract doc, std::vector<device_record> records,
           caf::typed_response_promise<submit_result> rp) {
  auto& st = self->state;
  auto target = find_contract(self, doc.id);
  auto event = doc.event_id;
  if (!target) {
    st.events_in_flight.erase(event);
    rp.deliver(target.error());
    return;
  }
  self
    ->request(*target, st.ctx->config.local_timeout, atom::submit_v,
              std::move(doc), std::move(records))
    .then(
      [self, event, rp](submit_result& result) mutable {
        self->state.events_in_flight.erase(event);
        rp.deliver(result);
      },
      [self, event, rp](caf::error& err) mutable {
        self->state.events_in_flight.erase(event);
        rp.deliver(err);
      });
}

caf::result<submit_result> submit(self_ptr self, contract doc) {
  auto& st = self->state;
  if (auto problem = check_contract(doc, *st.ctx->cat))
    return refusal(error_code::invalid_input, problem->to_string());
  if (!doc.event_id.empty()) {
    auto seen = contract_storage::find_event(*st.ctx->env, doc.event_id);
    if (!seen)
      return storage_error(seen.error());
    if (seen.value() || st.events_in_flight.count(doc.event_id) > 0)
      return submit_result{doc.id, doc.version, false, true};
  }
  auto stored = contract_storage::load(*st.ctx->env, doc.id);
  if (!stored)
    return storage_error(stored.error());
  bool renewal = stored.value().has_value();
  if (renewal) {
    auto& rec = stored.value()->record;
    if (doc.version <= rec.doc.version)
      return refusal(error_code::stale_version,
                     "version: contract " + doc.id.str() + " is at version "
                       + std::to_string(rec.doc.version) + "; version "
                       + std::to_string(doc.version) + " is stale");
    if (rec.state == contract_state::ended)
      return refusal(error_code::wrong_state,
                     "contract " + doc.id.str() + " has ended");
    if (rec.doc.customer != doc.customer)
      return refusal(error_code::invalid_input,
                     "customer: contract " + doc.id.str()
                       + " belongs to customer " + rec.doc.customer.str());
  } else if (st.creating.count(doc.id) > 0) {
    return refusal(error_code::wrong_state,
                   "contract " + doc.id.str()
                     + " is being created by another submission");
  } else {
    st.creating.insert(doc.id);
  }
  if (!doc.event_id.empty())
    st.events_in_flight.insert(doc.event_id);
  auto rp = self->make_response_promise<submit_result>();
  auto devices = doc.devices;
  self
    ->request(st.registry, st.ctx->config.local_timeout, atom::records_v,
              std::move(devices))
    .then(
      [self, doc, renewal, rp](std::vector<device_record>& records) mutable {
        auto& st = self->state;
        if (auto err = check_tenancy(doc, *st.ctx->cat, records)) {
          if (!renewal)
            st.creating.erase(doc.id);
          st.events_in_flight.erase(doc.event_id);
          rp.deliver(err);
          return;
        }
        if (renewal)
          renew(self, std::move(doc), std::move(records), rp);
        else
          create(self, std::move(doc), std::move(records), rp);
      },
      [self, doc, renewal, rp](caf::error& err) mutable {
        auto& st = self->state;
        if (!renewal)
          st.creating.erase(doc.id);
        st.events_in_flight.erase(doc.event_id);
        rp.deliver(err);
      });
  return rp;
}

template <class T>
caf::result<T> from_store(persistence::result<T> x) {
  if (!x)
    return storage_error(x.error());
  return std::move(x).value();
}

} // namespace

contract_supervisor_actor::behavior_type contract_supervisor(
  contract_supervisor_actor::stateful_pointer<contract_supervisor_state> self,
  std::shared_ptr<const contract_context> ctx,
  device_supervisor_actor registry) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.registry = std::move(registry);
  st.tag = "[contract-supervisor #" + std::to_string(self->id()) + "]";
  self->set_down_handler(
    [self](caf::down_msg& msg) { on_child_down(self, msg); });
  self->attach_functor(
    [running = st.running, ctx = st.ctx, tag = st.tag](const caf::error&) {
      for (auto& [_, child] : *running)
        caf::anon_send_exit(child, caf::exit_reason::user_shutdown);
      if (ctx->latency) {
        auto counts = ctx->latency->counts();
        spdlog::info("{} step.latency p50_us={:.0f} p99_us={:.0f} buckets={}",
                     tag, step_latency::quantile(counts, 0.5),
                     step_latency::quantile(counts, 0.99),
                     ctx->latency->buckets_text());
      }
      if (ctx->budget) {
        auto budget = ctx->budget->snapshot();
        spdlog::info("{} step.budget limit={} peak_in_use={} waits={}", tag,
                     budget.limit, budget.peak_in_use, budget.waits);
      }
    });
  auto records = contract_storage::load_records(*st.ctx->env);
  if (!records) {
    spdlog::error("{} start.failed {}", st.tag,
                  persistence::to_string(records.error()));
    self->quit(storage_error(records.error()));
  } else {
    for (auto& rec : records.value())
      if (rec.state != contract_state::ended)
        spawn_contract(self, rec.doc.id);
    spdlog::info("{} started contracts={} running={}", st.tag,
                 records.value().size(), st.running->size());
    check_timers(self);
  }
  return {
    [self](atom::submit, contract& doc) {
      return submit(self, std::move(doc));
    },
    [self](atom::start, contract_id& id,
           std::string& event_id) -> caf::result<atom::ok> {
      auto& st = self->state;
      if (!event_id.empty()) {
        auto seen = contract_storage::find_event(*st.ctx->env, event_id);
        if (!seen)
          return storage_error(seen.error());
        if (seen.value())
          return atom::ok_v;
      }
      auto target = find_contract(self, id);
      if (!target)
        return target.error();
      return self->delegate(*target, atom::start_v, std::move(event_id));
    },
    [self](atom::cancel, contract_id& id) -> caf::result<atom::ok> {
      auto target = find_contract(self, id);
      if (!target)
        return target.error();
      return self->delegate(*target, atom::cancel_v);
    },
    [self](atom::retry, contract_id& id) -> caf::result<atom::ok> {
      self->state.crashes.erase(id);
      auto target = find_contract(self, id);
      if (!target)
        return target.error();
      return self->delegate(*target, atom::retry_v);
    },
    [self](atom::get, contract_id& id) -> caf::result<contract_view> {
      auto& st = self->state;
      return from_store(contract_views::view(*st.ctx->env, id, *st.ctx->cat));
    },
    [self](atom::list) -> caf::result<std::vector<contract_summary>> {
      auto& st = self->state;
      return from_store(contract_views::summaries(*st.ctx->env, *st.ctx->cat));
    },
    [self](atom::history,
           contract_id& id) -> caf::result<std::vector<history_entry>> {
      auto& st = self->state;
      return from_store(contract_views::history(*st.ctx->env, id));
    },
    [self](atom::plan,
           contract_id& id) -> caf::result<std::vector<instruction>> {
      auto& st = self->state;
      return from_store(contract_views::plan(*st.ctx->env, id, *st.ctx->cat));
    },
    [self](atom::tick, uint64_t generation) {
      if (generation == self->state.timer_generation)
        check_timers(self);
    },
    [self](atom::resend) {
      auto& st = self->state;
      spdlog::info("{} resend.all contracts={}", st.tag, st.running->size());
      for (auto& [_, child] : *st.running)
        self->send(child, atom::resend_v);
    },
  };
}

} // namespace onset
