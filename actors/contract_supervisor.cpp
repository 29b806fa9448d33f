#include "actors/contract_supervisor.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <caf/event_based_actor.hpp>

#include "actors/contract_actor.hpp"
#include "actors/contract_events.hpp"
#include "actors/contract_intake.hpp"
#include "actors/contract_storage.hpp"
#include "actors/contract_views.hpp"
#include "actors/ended_resync.hpp"
#include "messages/error_code.hpp"
#include "messages/log.hpp"
#include "persistence/caf_error.hpp"
#include "persistence/feed_store.hpp"

namespace onset::actors {

namespace supervisor_ops {

using self_ptr = supervisor_self;

/// The CONTRACT actor of `id`, spawned unless it runs already: a due date
/// can spawn it between the write of a new contract and the STORE's answer,
/// and two actors for one contract would fight over its outbox.
contract_actor spawn_contract(self_ptr self, const contract_id& id) {
  auto& st = self->state;
  if (auto i = st.running->find(id); i != st.running->end())
    return i->second;
  auto after_crash = st.crashed.erase(id) > 0;
  auto child = self->spawn<caf::monitored>(contract_behavior, id, st.ctx,
                                           after_crash);
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
    return persistence::to_error(stored.error());
  if (!stored.value())
    return refusal(error_code::unknown_contract,
                   "contract " + id.str() + " is not known");
  if (stored.value()->record.state == contract_state::ended)
    return refusal(error_code::wrong_state,
                   "contract " + id.str() + " has ended");
  return spawn_contract(self, id);
}

} // namespace supervisor_ops

using namespace supervisor_ops;

namespace {

/// Marks a contract that keeps crashing `degraded`, so that operators see it.
/// Reads the record only once the STORE has committed or discarded every
/// batch of the dead actor (an empty batch's answer comes after theirs).
void escalate(self_ptr self, const contract_id& id, const caf::error& reason);

void escalate_after_store(self_ptr self, const contract_id& id,
                          const caf::error& reason) {
  persistence::request_drain(self, self->state.ctx->store)
    .then([self, id, reason](atom::ok) { escalate(self, id, reason); },
          [self, id](caf::error& err) {
            log::error("escalate.failed",
                       {{"contract", id.str()},
                        {"error", self->system().render(err)}});
          });
}

void escalate(self_ptr self, const contract_id& id, const caf::error& reason) {
  auto& st = self->state;
  auto stored = contract_storage::load(*st.ctx->env, id);
  if (!stored || !stored.value())
    return;
  auto detail = "crashed " + std::to_string(st.crashes[id].size())
                + " times within the restart window (last: "
                + self->system().render(reason) + "); retry to resume";
  log::error("contract.escalated",
             {{"contract", id.str()}, {"detail", detail}});
  contract_change change;
  change.record = stored.value()->record;
  change.record->reason = detail;
  auto from = change.record->state;
  change.history.push_back(history_entry{
    st.ctx->now(), history_kind::transition,
    std::string{to_string(from)} + "->degraded reason=crash loop"});
  change.history.push_back(
    history_entry{st.ctx->now(), history_kind::problem, detail});
  contract_events::announce_state(change, *change.record, from,
                                  contract_state::degraded, "crash loop",
                                  st.ctx->now());
  change.record->state = contract_state::degraded;
  persistence::request_write(self, st.ctx->store,
                             contract_storage::batch(id, std::move(change)))
    .then(
      [id, from](atom::ok) {
        log::info("contract.transition", {{"contract", id.str()},
                                          {"from", to_string(from)},
                                          {"to", "degraded"},
                                          {"reason", "crash loop"}});
      },
      [self, id](caf::error& err) {
        log::error("escalate.failed", {{"contract", id.str()},
                                       {"error", self->system().render(err)}});
      });
}

void on_child_down(self_ptr self, const caf::down_msg& msg) {
  auto& st = self->state;
  if (auto r = st.resyncs.find(msg.source); r != st.resyncs.end()) {
    st.resyncing.erase(r->second);
    st.resyncs.erase(r);
    return;
  }
  auto i = st.by_address.find(msg.source);
  if (i == st.by_address.end())
    return;
  auto id = i->second;
  st.by_address.erase(i);
  st.running->erase(id);
  if (!msg.reason) {
    log::info("contract.stopped", {{"contract", id.str()}});
    return;
  }
  auto now = self->clock().now();
  auto& times = st.crashes[id];
  times.push_back(now);
  while (!times.empty() && now - times.front() > st.ctx->config.restart_window)
    times.pop_front();
  st.crashed.insert(id);
  if (times.size() > st.ctx->config.restart_limit) {
    escalate_after_store(self, id, msg.reason);
    return;
  }
  log::warn("contract.restart",
            {{"contract", id.str()},
             {"crashes", times.size()},
             {"reason", self->system().render(msg.reason)}});
  spawn_contract(self, id);
}

/// Removes a due timer whose contract has ended or is not known: nothing
/// would ever handle it, and it would fire at every poll.
void forget_timer(self_ptr self, const due_timer& t) {
  contract_change change;
  change.remove_timers.push_back(t);
  persistence::request_write(self, self->state.ctx->store,
                             contract_storage::batch(t.contract,
                                                     std::move(change)))
    .then(
      [t](atom::ok) {
        log::info("timers.forgotten",
                  {{"contract", t.contract.str()}, {"at", t.at.to_rfc3339()}});
      },
      [self, t](caf::error& err) {
        log::error("timers.forget_failed",
                   {{"contract", t.contract.str()},
                    {"error", self->system().render(err)}});
      });
}

/// How many events, at most `limit`, are older than `cutoff` and due for
/// removal; 0 if the feed cannot be read (logged).
size_t expired_events(self_ptr self, utc_time cutoff, size_t limit) {
  auto txn = self->state.ctx->env->begin_read();
  if (!txn) {
    log::error("feed.prune_failed",
               {{"error", persistence::to_string(txn.error())}});
    return 0;
  }
  auto found = persistence::feed_store::expired(txn, cutoff, limit);
  if (!found) {
    log::error("feed.prune_failed",
               {{"error", persistence::to_string(found.error())}});
    return 0;
  }
  return found.value();
}

/// The oldest position the feed keeps (0 if unreadable or empty).
uint64_t oldest_event(self_ptr self) {
  auto txn = self->state.ctx->env->begin_read();
  if (!txn)
    return 0;
  auto first = persistence::feed_store::first(txn);
  return first ? first.value() : 0;
}

void prune_done(self_ptr self) {
  auto& st = self->state;
  st.pruning = false;
  st.next_prune = self->clock().now() + st.ctx->config.event_prune_interval;
}

/// Removes up to a chunk of the events older than `cutoff` in one STORE
/// batch, then the next chunk once that one is committed, until none is
/// left; `batches` counts them for the log.
void prune_chunk(self_ptr self, utc_time cutoff, size_t batches) {
  auto& st = self->state;
  auto chunk = st.ctx->config.event_prune_chunk;
  persistence::request_write(
    self, st.ctx->store,
    [cutoff, chunk](persistence::write_txn& txn) -> caf::error {
      auto removed = persistence::feed_store::prune(txn, cutoff, chunk);
      if (!removed)
        return persistence::to_error(removed.error());
      return caf::none;
    })
    .then(
      [self, cutoff, chunk, batches](atom::ok) {
        if (expired_events(self, cutoff, chunk) > 0) {
          prune_chunk(self, cutoff, batches + 1);
          return;
        }
        log::info("feed.pruned", {{"before", cutoff.to_rfc3339()},
                                  {"batches", batches + 1},
                                  {"oldest", oldest_event(self)}});
        prune_done(self);
      },
      [self](caf::error& err) {
        log::error("feed.prune_failed",
                   {{"error", self->system().render(err)}});
        prune_done(self);
      });
}

/// Starts a prune of the event feed when one is due (docs/events.md,
/// "Retention"): a read finds whether any event has expired, and only then
/// are batches sent to the STORE.
void maybe_prune(self_ptr self) {
  auto& st = self->state;
  auto retention = st.ctx->config.event_retention;
  if (retention <= engine_config::duration::zero() || st.pruning
      || self->clock().now() < st.next_prune)
    return;
  auto cutoff = st.ctx->now();
  cutoff.seconds
    -= std::chrono::duration_cast<std::chrono::seconds>(retention).count();
  if (expired_events(self, cutoff, 1) == 0) {
    prune_done(self);
    return;
  }
  st.pruning = true;
  prune_chunk(self, cutoff, 0);
}

/// Fires every due start and end date, then sleeps until the next one (at
/// most `timer_poll`): until the start of its second, not a whole number of
/// seconds from now, so that a contract starts when its date arrives.
void check_timers(self_ptr self) {
  auto& st = self->state;
  auto now = st.ctx->now();
  auto due = contract_storage::due_timers(*st.ctx->env, now);
  if (!due) {
    log::error("timers.failed",
               {{"error", persistence::to_string(due.error())}});
  } else if (!due.value().empty()) {
    auto started = std::chrono::steady_clock::now();
    for (auto& t : due.value()) {
      auto target = find_contract(self, t.contract);
      if (target)
        self->send(*target, atom::due_v, t.kind);
      else if (is(target.error(), error_code::wrong_state)
               || is(target.error(), error_code::unknown_contract))
        forget_timer(self, t);
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
    log::info("timers.fired", {{"due", due.value().size()},
                               {"at", now.to_rfc3339()},
                               {"ms", ms.count()}});
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
  maybe_prune(self);
  self->delayed_send(self, wait, atom::tick_v, ++st.timer_generation);
}

template <class T>
caf::result<T> from_store(persistence::result<T> x) {
  if (!x)
    return persistence::to_error(x.error());
  return std::move(x).value();
}

/// At the supervisor's exit: stops its CONTRACT actors and logs the node's
/// step latency histogram and step budget figures (what onset-bench reads).
void stop_children_at_exit(self_ptr self) {
  auto& st = self->state;
  self->attach_functor([running = st.running, ctx = st.ctx](const caf::error&) {
    for (auto& [_, child] : *running)
      caf::anon_send_exit(child, caf::exit_reason::user_shutdown);
    if (ctx->latency) {
      auto counts = ctx->latency->counts();
      auto p50 = std::llround(step_latency::quantile(counts, 0.5));
      auto p99 = std::llround(step_latency::quantile(counts, 0.99));
      log::info("step.latency", {{"p50_us", p50},
                                 {"p99_us", p99},
                                 {"buckets", ctx->latency->buckets_text()}});
    }
    if (ctx->budget) {
      auto budget = ctx->budget->snapshot();
      log::info("step.budget", {{"limit", budget.limit},
                                {"peak_in_use", budget.peak_in_use},
                                {"waits", budget.waits}});
    }
  });
}

/// Spawns a CONTRACT actor for every stored contract not ended and starts
/// the timer checks; quits if the store cannot be read.
void start(self_ptr self) {
  auto& st = self->state;
  auto records = contract_storage::load_records(*st.ctx->env);
  if (!records) {
    log::error("start.failed",
               {{"error", persistence::to_string(records.error())}});
    self->quit(persistence::to_error(records.error()));
    return;
  }
  for (auto& rec : records.value())
    if (rec.state != contract_state::ended)
      spawn_contract(self, rec.doc.id);
  log::info("contracts.started", {{"contracts", records.value().size()},
                                  {"running", st.running->size()}});
  check_timers(self);
}

/// A start event for contract `id`, passed to its actor unless seen before.
caf::result<atom::ok> start_event(self_ptr self, const contract_id& id,
                                  std::string event_id, requester by) {
  auto& st = self->state;
  if (!event_id.empty()) {
    auto seen = contract_storage::find_event(*st.ctx->env, event_id);
    if (!seen)
      return persistence::to_error(seen.error());
    if (seen.value())
      return atom::ok_v;
  }
  auto target = find_contract(self, id);
  if (!target)
    return target.error();
  return self->delegate(*target, atom::start_v, std::move(event_id),
                        std::move(by));
}

/// A peer came back: every running CONTRACT actor resends what it has
/// pending and probes its streams at rest; the streams of ended contracts,
/// which have no actor, are probed by an ended resync each
/// (actors/ended_resync.hpp).
void resend_all(self_ptr self) {
  auto& st = self->state;
  log::info("resend.all", {{"contracts", st.running->size()}});
  for (auto& [_, child] : *st.running)
    self->send(child, atom::resend_v);
  auto records = contract_storage::load_records(*st.ctx->env);
  if (!records) {
    log::error("resend.ended_unreadable",
               {{"error", persistence::to_string(records.error())}});
    return;
  }
  for (auto& rec : records.value())
    if (rec.state == contract_state::ended && st.running->count(rec.doc.id) == 0
        && st.resyncing.count(rec.doc.id) == 0) {
      auto resync = spawn_ended_resync(self, st.ctx, rec.doc.id);
      st.resyncs.emplace(resync.address(), rec.doc.id);
      st.resyncing.insert(rec.doc.id);
    }
}

} // namespace

contract_supervisor_actor::behavior_type contract_supervisor_behavior(
  contract_supervisor_actor::stateful_pointer<contract_supervisor_state> self,
  std::shared_ptr<const contract_context> ctx,
  device_supervisor_actor registry) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.registry = std::move(registry);
  self->set_down_handler(
    [self](caf::down_msg& msg) { on_child_down(self, msg); });
  stop_children_at_exit(self);
  start(self);
  return {
    [self](atom::submit, contract& doc, requester& by) {
      return submit(self, std::move(doc), std::move(by));
    },
    [self](atom::start, contract_id& id, std::string& event_id, requester& by) {
      return start_event(self, id, std::move(event_id), std::move(by));
    },
    [self](atom::cancel, contract_id& id,
           requester& by) -> caf::result<atom::ok> {
      auto target = find_contract(self, id);
      if (!target)
        return target.error();
      return self->delegate(*target, atom::cancel_v, std::move(by));
    },
    [self](atom::retry, contract_id& id,
           requester& by) -> caf::result<atom::ok> {
      self->state.crashes.erase(id);
      auto target = find_contract(self, id);
      if (!target)
        return target.error();
      return self->delegate(*target, atom::retry_v, std::move(by));
    },
    [self](atom::get, contract_id& id) -> caf::result<contract_view> {
      auto& st = self->state;
      return from_store(contract_views::view(*st.ctx->env, id, *st.ctx->cat));
    },
    [self](atom::list) -> caf::result<std::vector<contract_summary>> {
      auto& st = self->state;
      return from_store(contract_views::summaries(*st.ctx->env, *st.ctx->cat));
    },
    [self](atom::list, const device_id& device)
      -> caf::result<std::vector<contract_summary>> {
      auto& st = self->state;
      return from_store(
        contract_views::naming(*st.ctx->env, *st.ctx->cat, device, false));
    },
    [self](atom::holders, const device_id& device)
      -> caf::result<std::vector<contract_summary>> {
      auto& st = self->state;
      if (st.devices_in_flight->count(device) > 0)
        return refusal(error_code::wrong_state, "a submission naming printer "
                                                  + device.str()
                                                  + " is in flight; try again");
      return from_store(
        contract_views::naming(*st.ctx->env, *st.ctx->cat, device, true));
    },
    [self](atom::feed, const std::vector<event_page>& cursor,
           uint64_t limit) -> caf::result<std::vector<event_page>> {
      auto& st = self->state;
      uint64_t after = 0;
      for (auto& x : cursor)
        if (x.node.empty())
          after = x.next;
      auto page = contract_views::feed(*st.ctx->env, after, limit);
      if (!page)
        return persistence::to_error(page.error());
      return std::vector<event_page>{std::move(*page)};
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
    [self](atom::plan, contract_id& id,
           std::string& catalog_text) -> caf::result<std::vector<instruction>> {
      auto& st = self->state;
      return from_store(
        contract_views::plan_against(*st.ctx->env, id, catalog_text));
    },
    [self](atom::tick, uint64_t generation) {
      if (generation == self->state.timer_generation)
        check_timers(self);
    },
    [self](atom::resend) { resend_all(self); },
  };
}

} // namespace onset::actors
