#include "actors/receiver_core.hpp"

#include <utility>

#include "messages/error_code.hpp"
#include "messages/instruction_digest.hpp"
#include "persistence/caf_error.hpp"
#include "persistence/receiver_ledger.hpp"

namespace onset::actors {

namespace {

/// The effect, the watermark, the effect counter and the content digest of
/// `x`, in one batch. Refuses (and so writes nothing) unless the stream is
/// still at seq-1.
persistence::write_batch effect_batch(const instruction& x,
                                      persistence::write_batch effect) {
  return
    [stream = x.stream, seq = x.seq, digest = content_digest(x),
     effect = std::move(effect)](persistence::write_txn& txn) -> caf::error {
      namespace ledger = persistence::receiver_ledger;
      auto applied = ledger::applied(txn, stream);
      if (!applied)
        return persistence::to_error(applied.error());
      if (*applied != seq - 1)
        return refusal(
          error_code::wrong_state,
          "stream " + stream.to_string() + " is at " + std::to_string(*applied)
            + ", not " + std::to_string(seq - 1) + ": receiver state is stale");
      if (auto err = effect(txn))
        return err;
      if (auto st = ledger::set_applied(txn, stream, seq); !st)
        return persistence::to_error(st);
      return persistence::to_error(
        ledger::count_effect(txn, stream, seq, digest));
    };
}

/// Lowers the watermark of `x`'s stream to `behind`, if the stream is still
/// at seq-1 (as effect_batch checks).
persistence::write_batch lower_batch(const instruction& x, uint64_t behind) {
  return [stream = x.stream, seq = x.seq,
          behind](persistence::write_txn& txn) -> caf::error {
    namespace ledger = persistence::receiver_ledger;
    auto applied = ledger::applied(txn, stream);
    if (!applied)
      return persistence::to_error(applied.error());
    if (*applied != seq - 1)
      return refusal(error_code::wrong_state,
                     "stream " + stream.to_string() + " is at "
                       + std::to_string(*applied) + ", not "
                       + std::to_string(seq - 1) + ": receiver state is stale");
    return persistence::to_error(ledger::lower_applied(txn, stream, behind));
  };
}

} // namespace

receiver_core::receiver_core(persistence::environment& env,
                             const log::context& log, receiver_target& target,
                             std::shared_ptr<execution_log> executions)
  : env_(env), executions_(std::move(executions)), log_(log), target_(target) {
}

void receiver_core::apply(instruction x, ack_reply reply) {
  if (!held_) {
    auto w = applied(x.stream);
    if (w && x.seq <= *w) {
      answer_duplicate(x, *w, reply);
      return;
    }
  }
  for (auto& r : queue_) {
    if (r.x.stream == x.stream && r.x.seq == x.seq) {
      log_.info("step.superseded",
                {{"stream", x.stream.to_string()}, {"seq", x.seq}});
      r.reply(refusal(error_code::transient, "superseded by a resend"));
      // The latest copy is what the sender's outbox holds now.
      r.x = std::move(x);
      r.reply = std::move(reply);
      return;
    }
  }
  if ((busy_ || held_) && log::enabled(log::level::debug))
    log_.debug("step.queued", {{"stream", x.stream.to_string()},
                               {"seq", x.seq},
                               {"kind", to_string(x.kind)},
                               {"waiting", queue_.size() + 1},
                               {"held", held_}});
  queue_.push_back(request{std::move(x), std::move(reply)});
  pump();
}

void receiver_core::finish(uint64_t op, execution result) {
  if (!current_ || op != op_ || !busy_) {
    log_.debug("step.stale_operation", {{"op", op}});
    return;
  }
  auto& x = current_->x;
  if (result.error) {
    log_.warn("step.failed", {{"stream", x.stream.to_string()},
                              {"seq", x.seq},
                              {"kind", to_string(x.kind)},
                              {"error", error_name(result.error)},
                              {"reason", error_reason(result.error)}});
    auto r = std::move(*current_);
    current_.reset();
    busy_ = false;
    r.reply(std::move(result.error));
    pump();
    return;
  }
  ++op_; // a late finish() for this operation is stale from here on
  if (result.behind && *result.behind + 1 < x.seq) {
    auto behind = *result.behind;
    log_.warn("step.target_behind", {{"stream", x.stream.to_string()},
                                     {"seq", x.seq},
                                     {"target_applied", behind}});
    target_.commit(lower_batch(x, behind),
                   [this, behind](const caf::error& err) {
                     committed(err, behind);
                   });
    return;
  }
  target_.commit(effect_batch(x, std::move(result.effect)),
                 [this, on_commit = std::move(result.on_commit),
                  seq = x.seq](const caf::error& err) {
                   if (!err && on_commit)
                     on_commit();
                   committed(err, seq);
                 });
}

const instruction* receiver_core::in_flight(uint64_t op) const {
  return current_ && busy_ && op == op_ ? &current_->x : nullptr;
}

void receiver_core::hold(bool on) {
  if (held_ == on)
    return;
  held_ = on;
  log_.info(on ? "receiver.held" : "receiver.released",
            {{"waiting", queue_.size()}});
  pump();
}

void receiver_core::write(std::function<persistence::write_batch()> make,
                          commit_done done) {
  if (!writes_)
    writes_ = std::make_unique<std::list<own_write>>();
  writes_->push_back(own_write{std::move(make), std::move(done)});
  pump();
}

persistence::result<uint64_t>
receiver_core::applied(const stream_id& stream) const {
  auto txn = env_.begin_read();
  if (!txn)
    return txn.error();
  return persistence::receiver_ledger::applied(txn, stream);
}

void receiver_core::pump() {
  while (!busy_) {
    if (writes_ && !writes_->empty()) {
      auto w = std::move(writes_->front());
      writes_->pop_front();
      busy_ = true;
      target_.commit(w.make(), [this, done = std::move(w.done)](
                                 const caf::error& err) {
        busy_ = false;
        if (err) {
          log_.error("receiver.write_failed", {{"error", error_name(err)},
                                               {"reason", error_reason(err)}});
          target_.reload();
        }
        done(err);
        pump();
      });
      return;
    }
    if (held_ || queue_.empty())
      return;
    auto r = std::move(queue_.front());
    queue_.pop_front();
    if (answer_from_watermark(r))
      continue;
    current_ = std::make_unique<request>(std::move(r));
    busy_ = true;
    auto op = ++op_;
    if (current_->x.kind == step_kind::skip && !target_.executes_skips())
      finish(op, execution{{},
                           [](persistence::write_txn&) -> caf::error {
                             return caf::none;
                           },
                           {},
                           std::nullopt});
    else {
      if (executions_)
        executions_->count(current_->x);
      target_.execute(current_->x, op);
    }
  }
}

bool receiver_core::answer_from_watermark(request& r) {
  auto w = applied(r.x.stream);
  if (!w) {
    log_.error("step.watermark_unreadable", {{"stream", r.x.stream.to_string()},
                                             {"reason", to_string(w.error())}});
    r.reply(persistence::to_error(w.error()));
    return true;
  }
  if (r.x.seq <= *w) {
    answer_duplicate(r.x, *w, r.reply);
    return true;
  }
  if (r.x.seq == *w + 1)
    return false;
  log_.warn("step.gap", {{"stream", r.x.stream.to_string()},
                         {"seq", r.x.seq},
                         {"applied", *w}});
  r.reply(instruction_ack{r.x.stream, *w});
  return true;
}

void receiver_core::answer_duplicate(const instruction& x, uint64_t applied,
                                     const ack_reply& reply) {
  auto kept = kept_digest(x);
  if (!kept.empty() && kept != content_digest(x)) {
    log_.warn("step.conflict", {{"stream", x.stream.to_string()},
                                {"seq", x.seq},
                                {"kind", to_string(x.kind)}});
    reply(refusal(error_code::conflict, "seq " + std::to_string(x.seq) + " of "
                                          + x.stream.to_string()
                                          + " was applied with other content"));
    return;
  }
  log_.info("step.duplicate", {{"stream", x.stream.to_string()},
                               {"seq", x.seq},
                               {"applied", applied}});
  reply(instruction_ack{x.stream, applied});
}

std::string receiver_core::kept_digest(const instruction& x) const {
  auto txn = env_.begin_read();
  if (!txn)
    return {};
  auto kept = persistence::receiver_ledger::digest(txn, x.stream, x.seq);
  return kept ? std::move(*kept) : std::string{};
}

void receiver_core::committed(const caf::error& err, uint64_t acked) {
  auto r = std::move(*current_);
  current_.reset();
  busy_ = false;
  auto& x = r.x;
  if (err) {
    log_.error("step.commit_failed", {{"stream", x.stream.to_string()},
                                      {"seq", x.seq},
                                      {"kind", to_string(x.kind)},
                                      {"error", error_name(err)},
                                      {"reason", error_reason(err)}});
    target_.reload();
    r.reply(
      refusal(error_code::transient, "commit failed: " + error_detail(err)));
  } else {
    if (log::enabled(log::level::debug))
      log_.debug("step.applied", {{"stream", x.stream.to_string()},
                                  {"seq", x.seq},
                                  {"kind", to_string(x.kind)}});
    r.reply(instruction_ack{x.stream, acked});
  }
  pump();
}

} // namespace onset::actors
