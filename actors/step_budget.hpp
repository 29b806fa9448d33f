// The STEP BUDGET of a contracts node: at most `limit` requests of
// its CONTRACT actors in flight at once, node-wide. A CONTRACT takes a
// permit before every send of a step (first send and resends alike) and
// gives it back when that request ends (ack, error or timeout) or when the
// actor exits. The window sits before the send on purpose: a CONTRACT's
// request timeout starts at its send, so steps queued anywhere after it
// (ROUTER, mailboxes) time out and are resent (docs/bench.md).
//
// A CONTRACT that finds no permit free is queued, FIFO, once, and is handed
// the next permit that frees up: the permit is counted as its own and its
// `wake` callback is called (outside the lock). After using it, a CONTRACT
// with more to send asks again and so queues behind the others: permits go
// round the waiting contracts in turn.
//
// Thread-safe (one mutex; CONTRACT actors run on every scheduler thread).
// Permits are counted per holder, so that `forget` can give back whatever
// an exiting actor held, including a permit handed to it whose wake it
// never handled. No CAF.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace onset::actors {

class step_budget {
public:
  /// Who holds permits: the CONTRACT actor's id.
  using holder_id = uint64_t;
  using wake_fn = std::function<void()>;

  /// What the budget has seen, for the node's log and for tests.
  struct figures {
    size_t limit = 0;
    size_t in_use = 0;
    /// The most permits in use at once.
    size_t peak_in_use = 0;
    /// Holders queued now.
    size_t waiting = 0;
    /// How often a holder had to queue.
    uint64_t waits = 0;
  };

  /// REQUIRES: limit > 0.
  explicit step_budget(size_t limit);

  /// True: one permit taken for `holder`. False: none was free; `holder` is
  /// queued (unless it is already), and `wake` will be called once when a
  /// permit has been handed to it.
  bool acquire_or_wait(holder_id holder, wake_fn wake);

  /// Gives back one permit of `holder` (none if it holds none) and hands
  /// it to the first waiting holder, if any.
  void release(holder_id holder);

  /// `holder` is gone: gives back every permit it holds and takes it out of
  /// the queue. Returns how many permits it held.
  size_t forget(holder_id holder);

  size_t held_by(holder_id holder) const;

  figures snapshot() const;

private:
  /// Counts one permit more in use, held by `holder`. REQUIRES: `mutex_`
  /// held, a permit free.
  void grant_locked(holder_id holder);

  /// Hands free permits to waiting holders; returns their wakes, to be
  /// called once the lock is released. REQUIRES: `mutex_` held.
  std::vector<wake_fn> hand_out_locked();

  static void call_all(std::vector<wake_fn>& wakes);

  mutable std::mutex mutex_;
  const size_t limit_;
  size_t in_use_ = 0;
  size_t peak_in_use_ = 0;
  uint64_t waits_ = 0;
  std::unordered_map<holder_id, size_t> held_;
  /// Queued holders in arrival order; each at most once.
  std::deque<std::pair<holder_id, wake_fn>> queue_;
  /// The holders in `queue_`.
  std::unordered_set<holder_id> queued_;
};

} // namespace onset::actors
