// STEP BATCHER: the part of a ROUTER that sends the steps for each remote
// node as STEP BATCHes (actors/protocol.hpp) instead of one message each.
//
// A step for a remote owner joins that owner's queue; the ROUTER sends the
// queue as one batch when its mailbox has no step before the flush it asked
// itself for (every step already queued in the mailbox joins the batch), or
// at once when the queue is full. Steps then wait under tokens until the
// owner's collector answers them. The order of one owner's steps is the
// order they were asked for, on the one connection to that owner, as it
// was for single messages.
//
// No step waits forever: each tick expires the steps that were already
// waiting at the tick before (so a step waits between one and two ticks),
// and a node that becomes unreachable fails its steps at once. The
// CONTRACT's own request carries the step's timeout, so an expiry only
// bounds this table; it answers an already expired request.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/error.hpp>
#include <caf/typed_response_promise.hpp>

#include "messages/instruction.hpp"
#include "messages/step_answer.hpp"

namespace onset::cluster {

class step_batcher {
public:
  using promise = caf::typed_response_promise<instruction_ack>;

  /// Most steps in one batch.
  static constexpr size_t max_batch = 256;

  struct batch {
    std::vector<instruction> steps;
    /// Step i has token first_token + i.
    uint64_t first_token = 0;
  };

  /// Queues `x` for `owner`, to be answered through `rp`. Returns true if
  /// the owner's queue was empty: the caller then asks itself to flush it.
  bool queue(size_t owner, instruction x, promise rp);

  /// The owner's queue holds `max_batch` steps.
  bool full(size_t owner) const;

  /// Empties the owner's queue into one batch; its steps now wait for
  /// answers (an empty batch if nothing was queued).
  batch take(size_t owner);

  /// Answers the waiting steps named by `xs`; a token no longer waiting
  /// (expired, or failed with its node) is skipped. Returns how many
  /// steps it answered.
  size_t answer(std::vector<step_answer>& xs);

  /// Answers every step queued or waiting for `owner` with `err`; returns
  /// how many.
  size_t fail_owner(size_t owner, const caf::error& err);

  /// Answers with `err` every step that was already waiting at the
  /// previous call; returns how many.
  size_t expire(const caf::error& err);

  /// Steps are waiting for answers.
  bool waiting() const noexcept {
    return !waiting_.empty();
  }

  /// The expiry tick: a new generation for the caller to send its tick
  /// with, or 0 if a tick is already on its way.
  uint64_t arm_tick();

  /// True for the tick sent last (which disarms it); false for a stale one.
  bool tick_fired(uint64_t generation);

private:
  struct waiting_step {
    promise rp;
    size_t owner;
    uint64_t generation;
  };

  using queued = std::vector<std::pair<instruction, promise>>;

  /// The queue of `owner` (created empty on first use).
  queued& queue_of(size_t owner);

  /// Answers with `err` (and forgets) every waiting step for which `pred`
  /// holds; returns how many.
  template <class Predicate>
  size_t fail_waiting_if(Predicate pred, const caf::error& err);

  std::vector<queued> queues_;
  std::unordered_map<uint64_t, waiting_step> waiting_;
  uint64_t next_token_ = 1;
  uint64_t generation_ = 0;
  uint64_t tick_generation_ = 0;
  bool tick_armed_ = false;
};

} // namespace onset::cluster
