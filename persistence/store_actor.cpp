#include "persistence/store_actor.hpp"

#include <chrono>
#include <exception>
#include <string>
#include <utility>

#include <caf/actor_cast.hpp>
#include <caf/exit_reason.hpp>
#include <caf/make_message.hpp>
#include <caf/system_messages.hpp>

#include "messages/log.hpp"
#include "messages/metrics/metrics.hpp"

namespace onset::persistence {

namespace {

using store_pointer = store_actor::stateful_pointer<store_state>;

/// Growths in one flush before the round is failed: with the default 64 MiB
/// step, a round may need up to 2 GiB more map.
constexpr int max_growths_per_flush = 32;

/// Runs one batch in a child of `txn`. Returns the batch's error (its
/// writes undone) or none (its writes now part of `txn`). If the batch hit
/// MDB_MAP_FULL, `txn.map_full()` is true and the result does not matter.
caf::error run_batch(caf::actor_id self, write_txn& txn,
                     const write_batch& batch) {
  auto child = txn.begin_nested();
  if (!child)
    return to_error(child.error());
  caf::error err;
  try {
    err = batch(child);
  } catch (const std::exception& e) {
    err = caf::make_error(error_code::storage_failure,
                          std::string{"write batch threw: "} + e.what());
  } catch (...) {
    err = caf::make_error(error_code::storage_failure,
                          "write batch threw a non-standard exception");
  }
  if (!child && !child.map_full()) {
    // The batch committed or aborted the STORE's transaction itself.
    log::error("store.batch_ended_txn", {{"store", self}});
    return caf::make_error(error_code::storage_failure,
                           "write batch ended the STORE's transaction");
  }
  if (err || child.map_full()) {
    child.abort();
    return err;
  }
  return to_error(child.commit());
}

/// Runs one batch straight in `txn`, with no child transaction of its own:
/// true if it succeeded (or hit MDB_MAP_FULL, which `txn.map_full()`
/// reports). False if it failed, threw or ended `txn`: its partial writes
/// cannot be undone alone, so the round must be replayed with a child per
/// batch (`run_batch`), which finds and reports its error again.
bool run_flat(write_txn& txn, const write_batch& batch) {
  bool failed = false;
  try {
    failed = static_cast<bool>(batch(txn));
  } catch (...) {
    failed = true;
  }
  // A batch's error for MDB_MAP_FULL is the round's: it grows the map and
  // replays, as a child's would.
  if (txn.map_full())
    return true;
  return !failed && static_cast<bool>(txn);
}

/// Answers every request of `queue` with `err` (nothing of it written).
void fail_all(store_state& st, std::vector<store_state::request>& queue,
              const caf::error& err) {
  st.failed_batches += queue.size();
  for (auto& req : queue)
    req.promise.deliver(err);
}

/// Runs the batches of `queue` in `txn`, until one hits MDB_MAP_FULL:
/// straight in it, or (`nested`) each in a child transaction, its own
/// outcome in `outcomes`. False if a batch run straight failed: the round
/// must be replayed nested.
bool run_batches(caf::actor_id self, write_txn& txn,
                 const std::vector<store_state::request>& queue, bool nested,
                 std::vector<caf::error>& outcomes) {
  for (size_t i = 0; i < queue.size() && !txn.map_full(); ++i) {
    if (nested)
      outcomes[i] = run_batch(self, txn, queue[i].batch);
    else if (!run_flat(txn, queue[i].batch))
      return false;
  }
  return true;
}

/// The map was full: grows it so that the round can be replayed, or
/// returns why the round fails (grown too often, or cannot grow).
status grow_for_replay(store_pointer self, int& growths, size_t batches) {
  auto& st = self->state;
  if (growths++ == max_growths_per_flush) {
    log::error("store.map_full", {{"store", self->id()},
                                  {"batches", batches},
                                  {"map_size", st.env->map_size()}});
    return make_failure(error_code::storage_failure,
                        "map full after growing it " + std::to_string(growths)
                          + " times to " + std::to_string(st.env->map_size())
                          + " bytes");
  }
  if (auto grown = st.env->grow_map(); !grown) {
    log::error("store.grow_failed",
               {{"store", self->id()}, {"error", to_string(grown.error())}});
    return grown;
  }
  ++st.replays;
  log::info("store.map_grown", {{"store", self->id()},
                                {"map_size", st.env->map_size()},
                                {"batches", batches}});
  return {};
}

/// One group commit: every queued batch in one write transaction, committed
/// once. First every batch straight in the round's transaction: a child
/// transaction per batch copies each page the batch touches that the round
/// has already dirtied, and merges it back at the child's commit (a quarter
/// of a busy STORE's time). Only a round with a failing batch is replayed
/// with a child per batch, so that the failure undoes that batch alone
/// (its error in `outcomes`). MDB_MAP_FULL anywhere grows the map and
/// replays the round. Returns the failure of the whole round (nothing of
/// it written; `fatal` if the environment can no longer be trusted), or ok
/// (committed).
status run_round(store_pointer self,
                 const std::vector<store_state::request>& queue,
                 std::vector<caf::error>& outcomes) {
  auto& st = self->state;
  bool nested = false;
  for (int growths = 0;;) {
    auto txn = st.env->begin_write();
    if (!txn) {
      log::error("store.begin_failed", {{"store", self->id()},
                                        {"batches", queue.size()},
                                        {"error", to_string(txn.error())}});
      return txn.error();
    }
    auto ran = run_batches(self->id(), txn, queue, nested, outcomes);
    // Even if a batch turned it into an error of its own.
    if (auto* fatal = txn.fatal())
      return *fatal;
    if (!ran) {
      txn.abort();
      nested = true;
      ++st.nested_replays;
      log::debug("store.nested_replay",
                 {{"store", self->id()}, {"batches", queue.size()}});
      continue;
    }
    auto records = txn.records();
    status committed;
    if (!txn.map_full())
      committed = txn.commit();
    if (txn.map_full() || committed.map_full()) {
      txn.abort();
      if (auto grown = grow_for_replay(self, growths, queue.size()); !grown)
        return grown;
      continue;
    }
    if (!committed) {
      log::error("store.commit_failed",
                 {{"store", self->id()},
                  {"batches", queue.size()},
                  {"error", to_string(committed.error())}});
      return committed;
    }
    ++st.commits;
    st.records += records;
    return {};
  }
}

/// Logs the STORE's totals (what onset-bench reads) and quits with `reason`.
void finish(store_pointer self, caf::error reason) {
  auto& st = self->state;
  log::info("store.totals", {{"store", self->id()},
                             {"commits", st.commits},
                             {"batches", st.batches},
                             {"failed", st.failed_batches},
                             {"records", st.records},
                             {"replays", st.replays},
                             {"nested_replays", st.nested_replays}});
  self->quit(std::move(reason));
}

/// Stops the STORE for good after the fatal failure `why` of the round of
/// `queue`: every later write would meet the same broken environment, and
/// the node must notice (it watches this exit reason).
void stop_on_fatal(store_pointer self, std::vector<store_state::request>& queue,
                   const failure& why) {
  auto& st = self->state;
  st.fatal = true;
  log::event(log::level::critical, "store.fatal",
             {{"store", self->id()},
              {"dir", st.env->options().directory},
              {"batches", queue.size()},
              {"error", to_string(why)}});
  auto err = to_error(why);
  fail_all(st, queue, err);
  finish(self, std::move(err));
}

/// Answers each request of a committed round: its batch's own error, or ok.
/// Returns how many batches failed.
size_t deliver(store_state& st, std::vector<store_state::request>& queue,
               std::vector<caf::error>& outcomes) {
  size_t failed = 0;
  for (size_t i = 0; i < queue.size(); ++i) {
    if (outcomes[i]) {
      ++failed;
      queue[i].promise.deliver(std::move(outcomes[i]));
    } else {
      queue[i].promise.deliver(atom::ok_v);
    }
  }
  st.batches += queue.size() - failed;
  st.failed_batches += failed;
  return failed;
}

/// Commits every queued batch as one round, then answers their requesters.
void flush(store_pointer self) {
  auto& st = self->state;
  st.flush_pending = false;
  auto queue = std::move(st.queue);
  st.queue.clear();
  if (queue.empty())
    return;
  auto started = std::chrono::steady_clock::now();
  auto records_before = st.records;
  std::vector<caf::error> outcomes(queue.size());
  if (auto round = run_round(self, queue, outcomes); !round) {
    if (round.fatal())
      stop_on_fatal(self, queue, round.error());
    else
      fail_all(st, queue, to_error(round));
    return;
  }
  auto failed = deliver(st, queue, outcomes);
  auto took = std::chrono::steady_clock::now() - started;
  if (st.metrics)
    st.metrics->store_round(took, queue.size() - failed,
                            st.records - records_before);
  if (log::enabled(log::level::debug)) {
    auto elapsed = std::chrono::duration<double, std::milli>(took);
    log::debug("store.commit", {{"store", self->id()},
                                {"batches", queue.size()},
                                {"failed", failed},
                                {"records", st.records - records_before},
                                {"ms", elapsed.count()}});
  }
}

void arm_reader_check(store_pointer self) {
  auto interval = self->state.env->options().reader_check_interval;
  if (interval.count() <= 0)
    return;
  self->delayed_send(caf::actor_cast<store_actor>(self), interval, atom::tick_v,
                     ++self->state.tick_generation);
}

} // namespace

store_state::~store_state() {
  if (queue.empty())
    return;
  log::warn("store.stopped_uncommitted",
            {{"store", id}, {"batches", queue.size()}});
  fail_all(*this, queue,
           caf::make_error(error_code::storage_failure,
                           "the STORE stopped before committing this batch"));
}

store_actor::behavior_type store_behavior(store_pointer self,
                                          environment* env) {
  return metered_store_behavior(self, env, nullptr);
}

store_actor::behavior_type
metered_store_behavior(store_pointer self, environment* env,
                       std::shared_ptr<metrics::node_metrics> metrics) {
  self->state.metrics = std::move(metrics);
  self->state.env = env;
  self->state.id = self->id();
  self->set_exit_handler([self](caf::exit_msg& msg) {
    if (!self->state.queue.empty()) {
      log::info("store.exit_flush",
                {{"store", self->id()}, {"batches", self->state.queue.size()}});
      flush(self);
    }
    // A fatal error in that flush has stopped the STORE with its reason.
    if (!self->state.fatal)
      finish(self, std::move(msg.reason));
  });
  log::info("store.up", {{"store", self->id()},
                         {"dir", env->options().directory},
                         {"sync", to_string(env->sync())}});
  arm_reader_check(self);
  return {
    [self](atom::write, write_batch& batch) {
      auto promise = self->make_response_promise<atom::ok>();
      self->state.queue.push_back({std::move(batch), promise});
      if (!self->state.flush_pending) {
        self->state.flush_pending = true;
        self->send(caf::actor_cast<store_actor>(self), atom::flush_v);
      }
      return promise;
    },
    [self](atom::flush) { flush(self); },
    [self](atom::tick, uint64_t generation) {
      if (generation != self->state.tick_generation)
        return;
      auto cleared = self->state.env->check_readers();
      if (cleared != 0)
        log::warn("store.readers_cleared",
                  {{"store", self->id()}, {"cleared", cleared}});
      arm_reader_check(self);
    },
  };
}

} // namespace onset::persistence
