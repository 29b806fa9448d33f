#include "persistence/store_actor.hpp"

#include <chrono>
#include <exception>
#include <spdlog/spdlog.h>
#include <string>
#include <utility>

#include <caf/actor_cast.hpp>
#include <caf/exit_reason.hpp>
#include <caf/make_message.hpp>
#include <caf/system_messages.hpp>

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
    spdlog::error("[store {}] a write batch ended its own transaction", self);
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

void flush(store_pointer self) {
  auto& st = self->state;
  st.flush_pending = false;
  auto queue = std::move(st.queue);
  st.queue.clear();
  if (queue.empty())
    return;
  auto started = std::chrono::steady_clock::now();
  std::vector<caf::error> outcomes(queue.size());
  // First every batch straight in the round's transaction: a child
  // transaction per batch copies each page the batch touches that the round
  // has already dirtied, and merges it back at the child's commit (a
  // quarter of a busy STORE's time). Only a round with a failing batch is
  // replayed with a child per batch, so that the failure undoes that batch
  // alone.
  bool nested = false;
  for (int growths = 0;;) {
    auto txn = st.env->begin_write();
    if (!txn) {
      spdlog::error("[store {}] begin failed batches={}: {}", self->id(),
                    queue.size(), to_string(txn.error()));
      fail_all(st, queue, to_error(txn.error()));
      return;
    }
    bool all_ran = true;
    for (size_t i = 0; i < queue.size() && !txn.map_full(); ++i) {
      if (nested) {
        outcomes[i] = run_batch(self->id(), txn, queue[i].batch);
      } else if (!run_flat(txn, queue[i].batch)) {
        all_ran = false;
        break;
      }
    }
    if (!all_ran) {
      txn.abort();
      nested = true;
      ++st.nested_replays;
      spdlog::debug("[store {}] a batch failed: replaying batches={} one "
                    "child transaction each",
                    self->id(), queue.size());
      continue;
    }
    auto records = txn.records();
    status committed;
    if (!txn.map_full())
      committed = txn.commit();
    if (txn.map_full() || committed.map_full()) {
      txn.abort();
      if (growths++ == max_growths_per_flush) {
        auto err = caf::make_error(
          error_code::storage_failure,
          "map full after growing it " + std::to_string(growths) + " times to "
            + std::to_string(st.env->map_size()) + " bytes");
        spdlog::error("[store {}] giving up batches={}: map full at {} bytes",
                      self->id(), queue.size(), st.env->map_size());
        fail_all(st, queue, err);
        return;
      }
      if (auto grown = st.env->grow_map(); !grown) {
        spdlog::error("[store {}] cannot grow the map: {}", self->id(),
                      to_string(grown.error()));
        fail_all(st, queue, to_error(grown));
        return;
      }
      ++st.replays;
      spdlog::info("[store {}] map full: grown to {} bytes, replaying "
                   "batches={}",
                   self->id(), st.env->map_size(), queue.size());
      continue;
    }
    if (!committed) {
      spdlog::error("[store {}] commit failed batches={}: {}", self->id(),
                    queue.size(), to_string(committed.error()));
      fail_all(st, queue, to_error(committed));
      return;
    }
    ++st.commits;
    st.records += records;
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
    auto elapsed = std::chrono::duration<double, std::milli>(
      std::chrono::steady_clock::now() - started);
    spdlog::debug("[store {}] commit batches={} failed={} records={} ms={:.3f}",
                  self->id(), queue.size(), failed, records, elapsed.count());
    return;
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
  spdlog::warn("[store {}] stopped with batches={} not committed; answering "
               "them storage_failure",
               id, queue.size());
  fail_all(*this, queue,
           caf::make_error(error_code::storage_failure,
                           "the STORE stopped before committing this batch"));
}

store_actor::behavior_type store(store_pointer self, environment* env) {
  self->state.env = env;
  self->state.id = self->id();
  self->set_exit_handler([self](caf::exit_msg& msg) {
    if (!self->state.queue.empty()) {
      spdlog::info("[store {}] exit: committing batches={} first", self->id(),
                   self->state.queue.size());
      flush(self);
    }
    auto& st = self->state;
    spdlog::info("[store {}] totals commits={} batches={} failed={} "
                 "records={} replays={} nested_replays={}",
                 self->id(), st.commits, st.batches, st.failed_batches,
                 st.records, st.replays, st.nested_replays);
    self->quit(std::move(msg.reason));
  });
  spdlog::info("[store {}] up dir={} sync={}", self->id(),
               env->options().directory, to_string(env->sync()));
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
        spdlog::warn("[store {}] reader check cleared={}", self->id(), cleared);
      arm_reader_check(self);
    },
  };
}

} // namespace onset::persistence
