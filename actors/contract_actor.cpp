#include "actors/contract_actor.hpp"

#include <algorithm>
#include <functional>

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/contract_storage.hpp"
#include "actors/plan.hpp"
#include "messages/error_code.hpp"

namespace onset {

namespace {

using self_ptr = contract_actor::stateful_pointer<contract_actor_state>;

std::string describe(const instruction& x) {
  return "target=" + x.stream.to.to_string() + " kind=" + to_string(x.kind)
         + " seq=" + std::to_string(x.seq) + " device=" + x.device.str();
}

bool is_running(contract_state x) {
  return x == contract_state::provisioning
         || x == contract_state::deprovisioning;
}

/// Adds a history line to `change`; it is logged once its commit is done
/// (see write_pending), so a log line never reports what the store lacks.
void note(self_ptr self, contract_change& change, history_kind kind,
          std::string detail) {
  auto& st = self->state;
  change.history.push_back(
    history_entry{st.ctx->now(), kind, std::move(detail)});
}

void set_state(self_ptr self, contract_change& change, contract_state to,
               const std::string& why) {
  auto& st = self->state;
  if (st.rec.state == to)
    return;
  note(self, change, history_kind::transition,
       std::string{to_string(st.rec.state)} + "->" + to_string(to)
         + " reason=" + why);
  st.rec.state = to;
}

/// Plans the next step of every printer that has none in flight, up to the
/// cap; moves a contract with nothing pending and nothing left to its
/// resting state (`active` or `ended`).
void plan_into(self_ptr self, contract_change& change) {
  auto& st = self->state;
  if (!is_running(st.rec.state))
    return;
  auto cap = std::max<size_t>(1, st.ctx->config.max_devices_in_flight);
  for (auto& device : planned_devices(st.want, st.rec.ledger)) {
    if (st.streams.busy_devices() >= cap)
      break;
    if (st.streams.device_busy(device))
      continue;
    auto step = next_step(st.id, st.rec.doc.version, device, st.want,
                          st.rec.ledger);
    if (!step)
      continue;
    auto& x = st.streams.add(std::move(*step));
    change.appended.push_back(x);
    note(self, change, history_kind::sent, describe(x));
  }
  if (!st.streams.idle())
    return;
  if (st.rec.state == contract_state::provisioning) {
    set_state(self, change, contract_state::active, "all steps acknowledged");
  } else {
    set_state(self, change, contract_state::ended, "all steps acknowledged");
    change.remove_timers = timers_of(st.rec.doc);
  }
}

void send(self_ptr self, const instruction& x);

/// A step's own lines (sent, acked) are logged at debug: at thousands of
/// steps a second they would be most of an info log and a measurable share
/// of a contracts node's CPU; the history store keeps every one of them
/// (`onset history`). Lifecycle lines (accepted, transition, problem) stay
/// at info.
spdlog::level::level_enum log_level_of(history_kind kind) {
  return kind == history_kind::sent || kind == history_kind::acked
           ? spdlog::level::debug
           : spdlog::level::info;
}

/// Writes what is pending (with what changed of the record since the last
/// write) in one transaction; after the commit logs its history lines,
/// sends what it appended, calls the callbacks with no error, and writes
/// what became pending meanwhile. A failed commit calls every callback with the
/// error and quits: memory is then ahead of the store, and the supervisor
/// restarts the contract from the store.
void write_pending(self_ptr self) {
  auto& st = self->state;
  auto change = std::move(st.pending);
  st.pending = contract_change{};
  auto done = std::move(st.pending_done);
  st.pending_done.clear();
  change.delta = persistence::diff(st.written, st.rec);
  persistence::apply(*change.delta, st.written);
  auto written = std::make_shared<const contract_change>(std::move(change));
  ++st.commits_in_flight;
  persistence::request_write(self, st.ctx->store,
                             contract_storage::batch(st.id, written))
    .then(
      [self, written, done](atom::ok) {
        auto& st = self->state;
        --st.commits_in_flight;
        for (auto& h : written->history)
          spdlog::log(log_level_of(h.kind), "{} {} {}", st.tag,
                      to_string(h.kind), h.detail);
        for (auto& x : written->appended)
          send(self, x);
        for (auto& f : done)
          f(caf::none);
        if (!st.pending.empty() || !st.pending_done.empty())
          write_pending(self);
        else if (st.rec.state == contract_state::ended)
          self->quit();
      },
      [self, done](caf::error& err) {
        auto& st = self->state;
        --st.commits_in_flight;
        spdlog::error("{} commit.failed error={}", st.tag,
                      self->system().render(err));
        for (auto& f : done)
          f(err);
        auto later = std::move(st.pending_done);
        st.pending_done.clear();
        for (auto& f : later)
          f(err);
        self->quit(err);
      });
}

/// Writes `change` (with what changed of the current record) in one
/// transaction; after the commit sends what it appended and calls `done`
/// with no error (see write_pending). While a commit is in flight, the
/// change is merged into the pending one instead, in order.
void commit(self_ptr self, contract_change change,
            std::function<void(const caf::error&)> done = nullptr) {
  auto& st = self->state;
  st.pending.absorb(std::move(change));
  if (done)
    st.pending_done.push_back(std::move(done));
  if (st.commits_in_flight == 0)
    write_pending(self);
}

void degrade(self_ptr self, const std::string& reason) {
  auto& st = self->state;
  if (st.rec.state == contract_state::degraded)
    return;
  contract_change change;
  note(self, change, history_kind::problem, reason);
  st.rec.reason = reason;
  set_state(self, change, contract_state::degraded, "step failed");
  commit(self, std::move(change));
}

engine_config::duration backoff(self_ptr self, unsigned attempt) {
  auto& cfg = self->state.ctx->config;
  auto delay = cfg.resend_base;
  for (unsigned i = 1; i < attempt && delay < cfg.resend_cap; ++i)
    delay *= 2;
  delay = std::min(delay, cfg.resend_cap);
  std::uniform_real_distribution<double> jitter{0.5, 1.5};
  return std::chrono::duration_cast<engine_config::duration>(
    delay * jitter(self->state.rng));
}

bool is_permanent(const caf::error& err) {
  if (err.category() != caf::atom("onset"))
    return false;
  auto code = static_cast<error_code>(err.code());
  return code == error_code::refused || code == error_code::unknown_device
         || code == error_code::unknown_service;
}

void on_send_error(self_ptr self, const stream_id& stream, uint64_t seq,
                   const caf::error& err) {
  auto& st = self->state;
  auto* x = st.streams.pending(stream, seq);
  if (x == nullptr)
    return;
  auto what = self->system().render(err);
  if (is_permanent(err)) {
    degrade(self, describe(*x) + " refused: " + what);
    return;
  }
  auto& attempt = st.attempts[{stream, seq}];
  auto waited = self->clock().now() - attempt.first_sent;
  if (waited >= st.ctx->config.step_deadline) {
    degrade(
      self,
      describe(*x) + " not acknowledged within "
        + std::to_string(
          std::chrono::duration_cast<std::chrono::seconds>(waited).count())
        + "s: " + what);
    return;
  }
  if (attempt.resend_armed)
    return;
  attempt.resend_armed = true;
  auto delay = backoff(self, attempt.count);
  spdlog::debug("{} step.retry {} attempt={} error={}", st.tag, describe(*x),
                attempt.count, what);
  self->delayed_send(self, delay, atom::resend_v, stream, seq);
}

void on_ack(self_ptr self, uint64_t requested, const instruction_ack& ack) {
  auto& st = self->state;
  auto acked = st.streams.ack(ack.stream, ack.seq);
  // A watermark below what we sent: the target lacks an earlier step (its
  // message was lost, or overtaken by this one); send the first one it
  // lacks again. The target did not apply `requested` either, and this
  // answer was its only reply: resend it after a backoff like a timeout, or
  // nothing ever would (chaos: two printers' steps on one service stream,
  // the first one delayed).
  if (ack.seq < requested && is_running(st.rec.state)) {
    if (auto* missing = st.streams.pending(ack.stream, ack.seq + 1))
      send(self, *missing);
    on_send_error(
      self, ack.stream, requested,
      caf::make_error(error_code::transient,
                      "gap at the target: applied " + std::to_string(ack.seq)));
  }
  if (acked.empty())
    return;
  contract_change change;
  change.acks.push_back(instruction_ack{ack.stream, acked.back().seq});
  auto now = self->clock().now();
  for (auto& x : acked) {
    record_applied(st.rec.ledger, x);
    if (auto i = st.attempts.find({x.stream, x.seq}); i != st.attempts.end()) {
      if (st.ctx->latency)
        st.ctx->latency->record(now - i->second.first_sent);
      st.attempts.erase(i);
    }
    note(self, change, history_kind::acked, describe(x));
  }
  plan_into(self, change);
  commit(self, std::move(change));
}

/// Starts the step's latency clock at its first `send`, so that the time
/// it waits for a permit counts.
void start_clock(self_ptr self, send_attempts& attempt) {
  if (attempt.started)
    return;
  attempt.started = true;
  attempt.first_sent = self->clock().now();
}

/// Gives one permit back to the node's step budget (none without one).
void give_back_permit(self_ptr self) {
  if (auto& budget = self->state.ctx->budget)
    budget->release(self->id());
}

/// Sends `x` now. REQUIRES: a permit is held for it (if there is a budget);
/// the end of the request, whatever it is, gives it back.
void transmit(self_ptr self, const instruction& x) {
  auto& st = self->state;
  auto& attempt = st.attempts[{x.stream, x.seq}];
  start_clock(self, attempt);
  ++attempt.count;
  auto requested = x.seq;
  auto ok = [self, requested](const instruction_ack& ack) {
    give_back_permit(self);
    on_ack(self, requested, ack);
  };
  auto fail = [self, stream = x.stream, seq = x.seq](caf::error& err) {
    give_back_permit(self);
    on_send_error(self, stream, seq, err);
  };
  auto timeout = st.ctx->config.request_timeout;
  if (x.stream.to.kind == target_kind::device)
    self->request(st.ctx->devices, timeout, atom::apply_v, x).then(ok, fail);
  else
    self->request(st.ctx->services, timeout, atom::apply_v, x).then(ok, fail);
}

/// What the budget calls when it hands this actor a permit: a message, so
/// that the permit is used on the actor's own thread. Holds no reference:
/// a dead actor gets nothing (`forget` at its exit took the permit back).
step_budget::wake_fn permit_wake(self_ptr self) {
  return [addr = self->address()] {
    if (auto hdl = caf::actor_cast<contract_actor>(addr))
      caf::anon_send(hdl, atom::permit_v);
  };
}

/// Sends `x` as soon as the node's step budget allows: at once if a permit
/// is free and no other step of this contract waits for one; else it
/// waits (once) behind them, and its request timeout starts only when it
/// is actually sent.
void send(self_ptr self, const instruction& x) {
  auto& st = self->state;
  start_clock(self, st.attempts[{x.stream, x.seq}]);
  auto& budget = st.ctx->budget;
  if (!budget) {
    transmit(self, x);
    return;
  }
  auto key = std::make_pair(x.stream, x.seq);
  if (st.waiting_sends.empty()) {
    if (budget->acquire_or_wait(self->id(), permit_wake(self))) {
      transmit(self, x);
      return;
    }
    spdlog::debug("{} permit.wait {}", st.tag, describe(x));
  } else if (std::find(st.waiting_sends.begin(), st.waiting_sends.end(), key)
             != st.waiting_sends.end()) {
    return;
  }
  st.waiting_sends.push_back(std::move(key));
}

/// Spends a permit this actor holds on its first waiting step that still
/// needs sending (pending, contract running); gives the permit back if none
/// does. False if it gave it back.
bool send_first_waiting(self_ptr self) {
  auto& st = self->state;
  while (!st.waiting_sends.empty()) {
    auto [stream, seq] = std::move(st.waiting_sends.front());
    st.waiting_sends.pop_front();
    if (!is_running(st.rec.state))
      continue;
    if (auto* x = st.streams.pending(stream, seq)) {
      transmit(self, *x);
      return true;
    }
  }
  give_back_permit(self);
  return false;
}

/// The budget handed this actor a permit: sends its first waiting step,
/// then more while permits are free at once, and queues again (behind the
/// other waiting contracts) for the rest.
void on_permit(self_ptr self) {
  auto& st = self->state;
  if (!st.ctx->budget || !send_first_waiting(self))
    return;
  while (!st.waiting_sends.empty()) {
    if (!st.ctx->budget->acquire_or_wait(self->id(), permit_wake(self)))
      return;
    if (!send_first_waiting(self))
      return;
  }
}

void send_all(self_ptr self, const std::vector<instruction>& xs) {
  for (auto& x : xs)
    send(self, x);
}

/// Enters deprovisioning (end date or cancel): from now on the contract
/// wants nothing, and removes what it applied in reverse order.
void begin_ending(self_ptr self, contract_change& change,
                  const std::string& why) {
  auto& st = self->state;
  if (st.rec.ending)
    return;
  st.rec.ending = true;
  st.rec.reason.clear();
  st.want = desired_state{};
  change.remove_timers = timers_of(st.rec.doc);
  set_state(self, change, contract_state::deprovisioning, why);
  plan_into(self, change);
}

/// Starts provisioning if the period has started (claim 1 and 2).
void begin_provisioning(self_ptr self, contract_change& change,
                        const std::string& why) {
  auto& st = self->state;
  if (st.rec.ending || st.rec.state != contract_state::scheduled)
    return;
  st.rec.started = true;
  change.remove_timers.push_back(
    due_timer{st.rec.doc.start, st.id, timer_kind::start});
  set_state(self, change, contract_state::provisioning, why);
  plan_into(self, change);
}

/// The start and end dates as of now: a date already past acts at once.
void check_dates(self_ptr self, contract_change& change) {
  auto& st = self->state;
  auto now = st.ctx->now();
  if (!st.rec.ending && st.rec.doc.end <= now)
    begin_ending(self, change, "end date reached");
  else if (st.rec.state == contract_state::scheduled
           && (st.rec.started || st.rec.doc.start <= now))
    begin_provisioning(self, change,
                       st.rec.started ? "start event" : "start date reached");
}

/// Commits `change`, then resends `resend` and answers `answer`; a failed
/// commit answers with its error.
template <class T>
caf::typed_response_promise<T>
reply_after_commit(self_ptr self, contract_change change, T answer,
                   std::vector<instruction> resend = {}) {
  auto rp = self->make_response_promise<T>();
  commit(self, std::move(change),
         [self, rp, answer, resend](const caf::error& err) mutable {
           if (err) {
             rp.deliver(err);
             return;
           }
           send_all(self, resend);
           rp.deliver(answer);
         });
  return rp;
}

/// Loads the contract and resumes it; false (and the actor quits) if it
/// cannot be loaded or has ended.
bool recover(self_ptr self) {
  auto& st = self->state;
  auto loaded = contract_storage::load(*st.ctx->env, st.id);
  if (!loaded || !loaded.value()) {
    auto why = loaded ? std::string{"not in the contract store"}
                      : persistence::to_string(loaded.error());
    spdlog::error("{} load.failed {}", st.tag, why);
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
  st.want = desired_for(st.rec, *st.ctx->cat);
  spdlog::info("{} recovered state={} version={} pending={}", st.tag,
               to_string(st.rec.state), st.rec.doc.version,
               st.streams.pending_total());
  auto resend = is_running(st.rec.state) ? st.streams.all_pending()
                                         : std::vector<instruction>{};
  contract_change change;
  check_dates(self, change);
  plan_into(self, change);
  if (!change.empty())
    commit(self, std::move(change));
  send_all(self, resend);
  return true;
}

} // namespace

contract_actor::behavior_type
contract_behavior(contract_actor::stateful_pointer<contract_actor_state> self,
                  contract_id id, std::shared_ptr<const contract_context> ctx) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.id = id;
  st.tag = "[contract " + id.str() + " #" + std::to_string(self->id()) + "]";
  st.rng.seed(static_cast<unsigned>(std::hash<std::string>{}(id.str())));
  // Permits are tied to the actor: whatever it holds when it exits (ended,
  // crashed, killed) goes back to the budget.
  if (auto budget = st.ctx->budget)
    self->attach_functor(
      [budget, holder = self->id(), tag = st.tag](const caf::error&) {
        if (auto returned = budget->forget(holder); returned > 0)
          spdlog::info("{} permits.returned count={} at exit", tag, returned);
      });
  recover(self);
  return {
    [self](atom::submit, contract& doc,
           std::vector<device_record>& records) -> caf::result<submit_result> {
      auto& st = self->state;
      if (doc.version <= st.rec.doc.version)
        return refusal(error_code::stale_version,
                       "version: contract " + st.id.str() + " is at version "
                         + std::to_string(st.rec.doc.version) + "; version "
                         + std::to_string(doc.version) + " is stale");
      if (st.rec.ending)
        return refusal(error_code::wrong_state,
                       "contract " + st.id.str()
                         + " is ending; it cannot be renewed");
      contract_change change;
      if (!doc.event_id.empty())
        change.events.push_back(doc.event_id);
      for (auto& r : records)
        if (st.rec.ledger.devices.count(r.id) == 0)
          st.rec.ledger.devices.emplace(r.id, initial_ledger(r));
      change.remove_timers = timers_of(st.rec.doc);
      st.rec.doc = std::move(doc);
      auto version = st.rec.doc.version;
      note(self, change, history_kind::accepted,
           "version=" + std::to_string(version) + " renewal");
      st.want = desired_for(st.rec, *st.ctx->cat);
      for (auto& t : timers_of(st.rec.doc))
        if (t.kind == timer_kind::end || !st.rec.started)
          change.add_timers.push_back(t);
      auto resend = std::vector<instruction>{};
      if (st.rec.state == contract_state::active
          || st.rec.state == contract_state::degraded) {
        if (st.rec.state == contract_state::degraded) {
          resend = st.streams.all_pending();
          st.attempts.clear();
          st.rec.reason.clear();
        }
        set_state(self, change, contract_state::provisioning,
                  "renewal to version " + std::to_string(version));
      }
      check_dates(self, change);
      plan_into(self, change);
      return reply_after_commit(self, std::move(change),
                                submit_result{st.id, version, true, false},
                                std::move(resend));
    },
    [self](atom::start, std::string& event_id) -> caf::result<atom::ok> {
      auto& st = self->state;
      contract_change change;
      if (!event_id.empty())
        change.events.push_back(event_id);
      if (!st.rec.started && !st.rec.ending) {
        st.rec.started = true;
        note(self, change, history_kind::accepted,
             "start event" + (event_id.empty() ? "" : " id=" + event_id));
        begin_provisioning(self, change, "start event");
      }
      return reply_after_commit(self, std::move(change), atom::ok_v);
    },
    [self](atom::cancel) -> caf::result<atom::ok> {
      contract_change change;
      begin_ending(self, change, "cancelled");
      return reply_after_commit(self, std::move(change), atom::ok_v);
    },
    [self](atom::retry) -> caf::result<atom::ok> {
      auto& st = self->state;
      if (st.rec.state != contract_state::degraded)
        return atom::ok_v;
      contract_change change;
      auto resend = st.streams.all_pending();
      st.attempts.clear();
      st.rec.reason.clear();
      auto resume = st.rec.ending    ? contract_state::deprovisioning
                    : st.rec.started ? contract_state::provisioning
                                     : contract_state::scheduled;
      set_state(self, change, resume, "retry");
      check_dates(self, change);
      plan_into(self, change);
      return reply_after_commit(self, std::move(change), atom::ok_v,
                                std::move(resend));
    },
    [self](atom::due, timer_kind kind) {
      auto& st = self->state;
      contract_change change;
      if (kind == timer_kind::end) {
        if (st.ctx->now() >= st.rec.doc.end)
          begin_ending(self, change, "end date reached");
      } else if (st.ctx->now() >= st.rec.doc.start) {
        begin_provisioning(self, change, "start date reached");
        change.remove_timers.push_back(
          due_timer{st.rec.doc.start, st.id, timer_kind::start});
      }
      if (!change.empty())
        commit(self, std::move(change));
    },
    [self](atom::resend, stream_id& stream, uint64_t seq) {
      auto& st = self->state;
      if (auto i = st.attempts.find({stream, seq}); i != st.attempts.end())
        i->second.resend_armed = false;
      if (!is_running(st.rec.state))
        return;
      if (auto* x = st.streams.pending(stream, seq))
        send(self, *x);
    },
    [self](atom::resend) {
      auto& st = self->state;
      if (!is_running(st.rec.state) || st.streams.pending_total() == 0)
        return;
      spdlog::info("{} resend.all pending={} reason=peer back", st.tag,
                   st.streams.pending_total());
      send_all(self, st.streams.all_pending());
    },
    [self](atom::permit) { on_permit(self); },
  };
}

} // namespace onset
