#include "actors/contract_lifecycle.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "actors/contract_commit.hpp"
#include "actors/contract_events.hpp"
#include "actors/contract_sending.hpp"
#include "actors/contract_storage.hpp"
#include "actors/contract_views.hpp"
#include "actors/plan.hpp"
#include "messages/error_code.hpp"

namespace onset::actors::contract_ops {

namespace {

/// Adds a history line to `change`; one saying what was accepted or which
/// state was entered names the change's requester.
void note(contract_self self, contract_change& change, history_kind kind,
          std::string detail) {
  if (kind == history_kind::accepted || kind == history_kind::transition)
    detail += history_suffix(change.by);
  change.history.push_back(
    history_entry{self->state.ctx->now(), kind, std::move(detail)});
}

/// Adds an event to write once the pending change is committed.
template <class F>
void after_commit(contract_self self, F event) {
  self->state.pending_events.emplace_back(std::move(event));
}

/// Moves the contract to `to` for `why`: a history line and the event
/// `contract.transition` (fields contract, from, to, reason).
void set_state(contract_self self, contract_change& change, contract_state to,
               const std::string& why) {
  auto& st = self->state;
  auto from = st.rec.state;
  if (from == to)
    return;
  note(self, change, history_kind::transition,
       std::string{to_string(from)} + "->" + to_string(to) + " reason=" + why);
  contract_events::announce_state(change, st.rec, from, to, why, st.ctx->now());
  after_commit(self, [self, from, to, why] {
    self->state.logger.info("contract.transition", {{"from", to_string(from)},
                                                    {"to", to_string(to)},
                                                    {"reason", why}});
  });
  st.rec.state = to;
}

/// Recomputes what the contract wants; if that cannot be done (a service
/// gone from the catalog), keeps the reason in `want_problem` and the last
/// desired state, and plans nothing until a renewal or cancel.
void update_want(contract_self self) {
  auto& st = self->state;
  auto want = desired_for(st.rec, *st.ctx->cat);
  if (!want) {
    st.want_problem = want.error().to_string();
    return;
  }
  st.want = std::move(want).value();
  st.want_problem.clear();
}

/// Moves the contract to `degraded` for `reason`, in `change`.
void mark_degraded(contract_self self, contract_change& change,
                   const std::string& reason, const std::string& why) {
  auto& st = self->state;
  note(self, change, history_kind::problem, reason);
  after_commit(self, [self, reason] {
    self->state.logger.info("contract.problem", {{"detail", reason}});
  });
  st.rec.reason = reason;
  set_state(self, change, contract_state::degraded, why);
}

/// Leaves `device` behind for `reason`, in `change`: no step is planned for
/// it until a retry or renewal, and its steps past their deadline are not
/// resent; the contract's other printers go on.
void mark_device_degraded(contract_self self, contract_change& change,
                          const device_id& device, const std::string& reason) {
  auto& st = self->state;
  if (!st.rec.degraded_devices.emplace(device, reason).second)
    return;
  note(self, change, history_kind::problem,
       "printer " + device.str() + " degraded: " + reason);
  auto& event = contract_events::announce(change, st.rec, "printer.degraded",
                                          st.ctx->now());
  event.reason = reason;
  event.devices.push_back(device);
  after_commit(self, [self, device, reason] {
    self->state.logger.warn("contract.printer_degraded",
                            {{"device", device.str()}, {"reason", reason}});
  });
}

/// Clears what made the contract, or some of its printers, degraded: the
/// reasons, and the resend bookkeeping of the steps that stopped. Returns
/// those steps (all pending ones if the whole contract was degraded), which
/// the caller resends once the reset is committed.
std::vector<instruction> reset_degraded(contract_self self,
                                        contract_change& change,
                                        const std::string& why) {
  auto& st = self->state;
  auto whole = st.rec.state == contract_state::degraded;
  std::vector<instruction> resend;
  if (!whole && st.rec.degraded_devices.empty())
    return resend;
  for (auto& x : st.streams.all_pending()) {
    if (!whole && st.rec.degraded_devices.count(x.device) == 0)
      continue;
    st.attempts.erase({x.stream, x.seq});
    resend.push_back(x);
  }
  for (auto& [device, _] : st.rec.degraded_devices) {
    note(self, change, history_kind::transition,
         "printer " + device.str() + " degraded->resumed reason=" + why);
    auto& event = contract_events::announce(change, st.rec, "printer.recovered",
                                            st.ctx->now());
    event.reason = why;
    event.devices.push_back(device);
  }
  st.rec.degraded_devices.clear();
  if (whole)
    st.rec.reason.clear();
  return resend;
}

/// Enters deprovisioning (end date or cancel): from now on the contract
/// wants nothing, and removes what it applied in reverse order.
void begin_ending(contract_self self, contract_change& change,
                  const std::string& why) {
  auto& st = self->state;
  if (st.rec.ending)
    return;
  // Nothing resends the steps that degraded the contract or its printers:
  // their resend chains stopped. Start them again once this change is
  // committed: removal must reach every printer.
  auto resend = reset_degraded(self, change, why);
  if (!resend.empty())
    after_commit(self, [self, resend] { send_all(self, resend); });
  st.rec.ending = true;
  st.rec.reason.clear();
  st.want = desired_state{};
  st.want_problem.clear();
  change.drop_timers(timers_of(st.rec.doc));
  set_state(self, change, contract_state::deprovisioning, why);
  plan_into(self, change);
}

/// Starts provisioning if the period has started (claim 1 and 2).
void begin_provisioning(contract_self self, contract_change& change,
                        const std::string& why) {
  auto& st = self->state;
  if (st.rec.ending || st.rec.state != contract_state::scheduled)
    return;
  st.rec.started = true;
  change.drop_timers({due_timer{st.rec.doc.start, st.id, timer_kind::start}});
  set_state(self, change, contract_state::provisioning, why);
  plan_into(self, change);
}

/// The start and end dates as of now: a date already past acts at once.
void check_dates(contract_self self, contract_change& change) {
  auto& st = self->state;
  auto now = st.ctx->now();
  if (!st.rec.ending && st.rec.doc.end <= now)
    begin_ending(self, change, "end date reached");
  else if (st.rec.state == contract_state::scheduled
           && (st.rec.started || st.rec.doc.start <= now))
    begin_provisioning(self, change,
                       st.rec.started ? "start event" : "start date reached");
}

caf::error check_renewal(const contract_actor_state& st, const contract& doc) {
  if (doc.version <= st.rec.doc.version)
    return refusal(error_code::stale_version,
                   "version: contract " + st.id.str() + " is at version "
                     + std::to_string(st.rec.doc.version) + "; version "
                     + std::to_string(doc.version) + " is stale");
  if (st.rec.ending)
    return refusal(error_code::wrong_state,
                   "contract " + st.id.str()
                     + " is ending; it cannot be renewed");
  return caf::none;
}

/// Takes `doc` as the contract's document: its printers in the ledger, its
/// dates as timers (a start date only while not started), and what it wants.
void take_document(contract_self self, contract_change& change, contract& doc,
                   const std::vector<device_record>& records) {
  auto& st = self->state;
  if (!doc.event_id.empty())
    change.events.push_back(doc.event_id);
  for (auto& r : records)
    if (st.rec.ledger.devices.count(r.id) == 0)
      st.rec.ledger.devices.emplace(r.id, initial_ledger(r));
  change.drop_timers(timers_of(st.rec.doc));
  st.rec.doc = std::move(doc);
  note(self, change, history_kind::accepted,
       "version=" + std::to_string(st.rec.doc.version) + " renewal");
  contract_events::announce(change, st.rec, "contract.renewed", st.ctx->now());
  after_commit(self, [self, version = st.rec.doc.version] {
    self->state.logger.info("contract.accepted",
                            {{"version", version}, {"renewal", true}});
  });
  update_want(self);
  for (auto& t : timers_of(st.rec.doc))
    if (t.kind == timer_kind::end || !st.rec.started)
      change.add_timers.push_back(t);
}

} // namespace

bool is_running(contract_state x) {
  return x == contract_state::provisioning
         || x == contract_state::deprovisioning;
}

std::string describe(const instruction& x) {
  return "target=" + x.stream.to.to_string() + " kind=" + to_string(x.kind)
         + " seq=" + std::to_string(x.seq) + " device=" + x.device.str();
}

/// A step's own events (sent, acked) are debug: at thousands of steps a
/// second they would be most of an info log and a measurable share of a
/// contracts node's CPU; the history store keeps every one of them
/// (`onset history`). Lifecycle events stay at info.
void note_step(contract_self self, contract_change& change, history_kind kind,
               const instruction& x) {
  note(self, change, kind, describe(x));
  if (!log::enabled(log::level::debug))
    return;
  auto name = kind == history_kind::sent ? "step.sent" : "step.acked";
  after_commit(self, [self, name, target = x.stream.to.to_string(),
                      step = to_string(x.kind), seq = x.seq,
                      device = x.device.str()] {
    self->state.logger.debug(
      name,
      {{"target", target}, {"kind", step}, {"seq", seq}, {"device", device}});
  });
}

void plan_into(contract_self self, contract_change& change) {
  auto& st = self->state;
  if (!is_running(st.rec.state) || !st.want_problem.empty())
    return;
  auto cap = std::max<size_t>(1, st.ctx->config.max_devices_in_flight);
  auto& left_behind = st.rec.degraded_devices;
  auto in_flight = st.streams.busy_devices_except(left_behind);
  for (auto& device : planned_devices(st.want, st.rec.ledger)) {
    if (in_flight >= cap)
      break;
    if (left_behind.count(device) > 0 || st.streams.device_busy(device))
      continue;
    auto step = next_step(st.id, st.rec.doc.version, device, st.want,
                          st.rec.ledger);
    if (!step)
      continue;
    auto& x = st.streams.add(std::move(*step));
    change.appended.push_back(x);
    note_step(self, change, history_kind::sent, x);
    ++in_flight;
  }
  if (in_flight > 0)
    return;
  if (!left_behind.empty()) {
    // Every other printer is done: the contract waits for an operator.
    mark_degraded(self, change,
                  contract_views::degraded_devices_reason(left_behind),
                  "printers degraded");
    return;
  }
  if (st.rec.state == contract_state::provisioning) {
    set_state(self, change, contract_state::active, "all steps acknowledged");
  } else {
    set_state(self, change, contract_state::ended, "all steps acknowledged");
    change.drop_timers(timers_of(st.rec.doc));
  }
}

void degrade(contract_self self, const std::string& reason) {
  auto& st = self->state;
  if (st.rec.state == contract_state::degraded)
    return;
  contract_change change;
  mark_degraded(self, change, reason, "step failed");
  commit(self, std::move(change));
}

void degrade_device(contract_self self, const device_id& device,
                    const std::string& reason) {
  auto& st = self->state;
  if (!is_running(st.rec.state) || st.rec.degraded_devices.count(device) > 0)
    return;
  contract_change change;
  mark_device_degraded(self, change, device, reason);
  plan_into(self, change);
  commit(self, std::move(change));
}

void abandon(contract_self self, const instruction& x, const std::string& why) {
  auto& st = self->state;
  auto reason = describe(x) + " refused: " + why;
  if (x.kind == step_kind::skip) {
    // A target that refuses to skip has lost track of its stream.
    degrade(self, reason);
    return;
  }
  instruction skip;
  skip.stream = x.stream;
  skip.seq = x.seq;
  skip.kind = step_kind::skip;
  skip.device = x.device;
  skip.contract_version = x.contract_version;
  st.streams.replace(skip);
  st.attempts.erase({x.stream, x.seq});
  count_step(*st.ctx, metrics::step_event::abandoned, x);
  contract_change change;
  change.replaced.push_back(skip);
  note(self, change, history_kind::abandoned, reason);
  auto& event = contract_events::announce(change, st.rec, "step.abandoned",
                                          st.ctx->now());
  event.reason = reason;
  event.devices.push_back(x.device);
  after_commit(self, [self, reason] {
    self->state.logger.warn("step.abandoned", {{"detail", reason}});
  });
  if (!st.rec.ending && is_running(st.rec.state)) {
    mark_device_degraded(self, change, x.device, reason);
    plan_into(self, change);
  }
  commit(self, std::move(change));
}

bool recover(contract_self self) {
  auto& st = self->state;
  auto loaded = contract_storage::load(*st.ctx->env, st.id);
  if (!loaded || !loaded.value()) {
    auto why = loaded ? std::string{"not in the contract store"}
                      : persistence::to_string(loaded.error());
    st.logger.error("load.failed", {{"error", why}});
    self->quit(refusal(error_code::unknown_contract, why));
    return false;
  }
  auto& stored = *loaded.value();
  st.rec = std::move(stored.record);
  st.written = st.rec;
  for (auto& s : stored.streams)
    st.streams.restore(s.stream, s.last_seq, s.acked, std::move(s.pending));
  if (st.rec.state == contract_state::ended) {
    self->quit();
    return false;
  }
  update_want(self);
  st.logger.info("contract.recovered",
                 {{"state", to_string(st.rec.state)},
                  {"version", st.rec.doc.version},
                  {"pending", st.streams.pending_total()}});
  // The steps of degraded printers stay stopped until a retry; skips go.
  std::vector<instruction> resend;
  for (auto& x : st.streams.all_pending())
    if (to_resend(st, x))
      resend.push_back(x);
  contract_change change;
  check_dates(self, change);
  if (!st.want_problem.empty()) {
    resend.clear();
    if (st.rec.state != contract_state::degraded
        || st.rec.reason != st.want_problem)
      mark_degraded(self, change, st.want_problem, "catalog changed");
  } else if (st.rec.state == contract_state::active
             && !remaining_steps(st.id, st.rec.doc.version, st.want,
                                 st.rec.ledger)
                   .empty()) {
    // The catalog this node started with asks more (or less) of the
    // contract's services than what its printers have: send the delta.
    set_state(self, change, contract_state::provisioning, "catalog change");
  }
  plan_into(self, change);
  if (!change.empty())
    commit(self, std::move(change));
  send_all(self, resend);
  return true;
}

caf::result<submit_result> renew(contract_self self, contract& doc,
                                 std::vector<device_record>& records,
                                 requester by) {
  auto& st = self->state;
  if (auto err = check_renewal(st, doc))
    return err;
  contract_change change;
  change.by = std::move(by);
  take_document(self, change, doc, records);
  auto version = st.rec.doc.version;
  auto resend = reset_degraded(self, change,
                               "renewal to version " + std::to_string(version));
  if (st.rec.state == contract_state::active
      || st.rec.state == contract_state::degraded)
    set_state(self, change, contract_state::provisioning,
              "renewal to version " + std::to_string(version));
  check_dates(self, change);
  plan_into(self, change);
  return reply_after_commit(self, std::move(change),
                            submit_result{st.id, version, true, false},
                            std::move(resend));
}

caf::result<atom::ok> start_now(contract_self self, const std::string& event_id,
                                requester by) {
  auto& st = self->state;
  contract_change change;
  change.by = std::move(by);
  if (!event_id.empty())
    change.events.push_back(event_id);
  if (!st.rec.started && !st.rec.ending) {
    st.rec.started = true;
    note(self, change, history_kind::accepted,
         "start event" + (event_id.empty() ? "" : " id=" + event_id));
    after_commit(self, [self, event_id] {
      self->state.logger.info("contract.start_event", {{"event", event_id}});
    });
    begin_provisioning(self, change, "start event");
  }
  return reply_after_commit(self, std::move(change), atom::ok_v);
}

caf::result<atom::ok> cancel(contract_self self, requester by) {
  contract_change change;
  change.by = std::move(by);
  begin_ending(self, change, "cancelled");
  return reply_after_commit(self, std::move(change), atom::ok_v);
}

caf::result<atom::ok> retry(contract_self self, requester by) {
  auto& st = self->state;
  auto whole = st.rec.state == contract_state::degraded;
  if (!whole && st.rec.degraded_devices.empty())
    return atom::ok_v;
  if (!st.want_problem.empty())
    return refusal(error_code::unknown_service,
                   "contract " + st.id.str()
                     + " cannot resume: " + st.want_problem
                     + "; renew it without that service, or cancel it");
  contract_change change;
  change.by = std::move(by);
  auto resend = reset_degraded(self, change, "retry");
  if (whole) {
    auto resume = st.rec.ending    ? contract_state::deprovisioning
                  : st.rec.started ? contract_state::provisioning
                                   : contract_state::scheduled;
    set_state(self, change, resume, "retry");
    check_dates(self, change);
  }
  plan_into(self, change);
  return reply_after_commit(self, std::move(change), atom::ok_v,
                            std::move(resend));
}

void on_due(contract_self self, timer_kind kind) {
  auto& st = self->state;
  contract_change change;
  if (kind == timer_kind::end) {
    if (st.ctx->now() >= st.rec.doc.end) {
      begin_ending(self, change, "end date reached");
      change.drop_timers({due_timer{st.rec.doc.end, st.id, timer_kind::end}});
    }
  } else if (st.ctx->now() >= st.rec.doc.start) {
    begin_provisioning(self, change, "start date reached");
    change.drop_timers({due_timer{st.rec.doc.start, st.id, timer_kind::start}});
  }
  if (!change.empty())
    commit(self, std::move(change));
}

} // namespace onset::actors::contract_ops
