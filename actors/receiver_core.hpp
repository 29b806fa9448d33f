// The delivery logic of a receiver (docs/design.md), shared by the
// DEVICE and the SERVICE actor: which instruction to apply, when to re-ack,
// and the one transaction that commits an effect with its watermark.
//
//   apply(x)  seq <= applied      -> re-acked at once, nothing applied
//             otherwise           -> queued (FIFO), then, in turn:
//               seq <= applied    -> re-acked (a resend of one just applied)
//               seq >  applied+1  -> answered with the watermark (a gap)
//               seq == applied+1  -> executed by the target, then
//                                    effect + watermark + effect counter
//                                    committed in ONE write batch via the
//                                    STORE, then acked {stream, seq}; or,
//                                    if the target is behind (an endpoint
//                                    restored from a backup), the watermark
//                                    lowered to the target's, then answered
//                                    with it (a gap)
//
// Applies are strictly serial per receiver: while one executes or commits,
// later requests wait with their reply in the FIFO. A refusal or a
// transient failure is answered with that error and moves no watermark.
// While held (an offline printer) queued requests wait unanswered.
//
// The batch re-checks the watermark inside the transaction (it must still be
// seq-1), so a receiver whose view of the store is stale (a batch of a
// crashed predecessor committed late, a commit that timed out) writes
// nothing twice: the commit fails, the requester gets `transient` and
// resends, the target reloads its state.
//
// No actor in here: the actor implements `receiver_target`, and every call
// happens inside one of its handlers.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "actors/execution_log.hpp"
#include "messages/instruction.hpp"
#include "messages/log.hpp"
#include "persistence/store_actor.hpp"

namespace onset::actors {

/// Answers one apply request: the ack, or an error.
using ack_reply = std::function<void(caf::expected<instruction_ack>)>;

/// Called once a batch is committed (no error) or has failed.
using commit_done = std::function<void(const caf::error&)>;

/// What a target made of the instruction it executed.
struct execution {
  /// `refused` or `transient` (with the reason as context); when set, the
  /// members below are not used.
  caf::error error;
  /// Writes the effect into the transaction. A pure function of the
  /// transaction (the STORE may replay it).
  persistence::write_batch effect;
  /// Brings the target's in-memory state up to the committed effect; may be
  /// empty.
  std::function<void()> on_commit;
  /// Set when the target is behind the watermark: it has applied the stream
  /// only up to this seq (below seq-1: an endpoint restored from a backup).
  /// Then no effect: the watermark is lowered to it in the store and the
  /// apply is answered with it, a gap, so that the sender resyncs.
  std::optional<uint64_t> behind;

  static execution failed(caf::error err) {
    return {std::move(err), {}, {}, std::nullopt};
  }

  static execution target_behind(uint64_t applied) {
    return {{}, {}, {}, applied};
  }
};

/// What a receiving actor does for its receiver_core: one interface, not
/// three `std::function`s, because every idle DEVICE actor carries one.
/// Every call happens inside one of the actor's handlers.
class receiver_target {
public:
  /// Starts executing `x`, the next instruction of its stream. The target
  /// answers with `receiver_core::finish(op, ...)`, at once or from a later
  /// handler.
  virtual void execute(const instruction& x, uint64_t op) = 0;

  /// Whether a `skip` goes to `execute` too. A skip has no effect, so a
  /// target whose watermark is Onset's own takes it without executing
  /// anything; an endpoint that keeps its own applied seq per stream must
  /// be sent it (docs/endpoints.md), or its next seq arrives out of order.
  virtual bool executes_skips() const = 0;

  /// Hands `batch` to the STORE; `done` runs in a later handler.
  virtual void commit(persistence::write_batch batch, commit_done done) = 0;

  /// Re-reads the target's state from the store (after a failed commit,
  /// whose effect may or may not be on disk).
  virtual void reload() = 0;

protected:
  ~receiver_target() = default;
};

class receiver_core {
public:
  /// `log` names the receiver in every event (`device=MFP-1`).
  /// REQUIRES: `env`, `log` and `target` outlive this object (they are the
  /// owning actor's; the core keeps references, not copies).
  /// `executions`, if any, counts each instruction handed to the target.
  receiver_core(persistence::environment& env, const log::context& log,
                receiver_target& target,
                std::shared_ptr<execution_log> executions = nullptr);

  receiver_core(const receiver_core&) = delete;
  receiver_core& operator=(const receiver_core&) = delete;

  /// An apply request; `reply` is called exactly once, unless the actor
  /// dies first (the sender's timeout covers that).
  void apply(instruction x, ack_reply reply);

  /// Result of `hooks::execute` for operation `op`; a stale `op` (an
  /// operation that is no longer in flight) is ignored.
  void finish(uint64_t op, execution result);

  /// The instruction that operation `op` executes; nullptr if `op` is not in
  /// flight.
  const instruction* in_flight(uint64_t op) const;

  /// Holds (true) or releases (false) queued applies. Held requests wait
  /// unanswered; released ones run in arrival order at once.
  void hold(bool on);

  /// Runs a write of the target's own (not an instruction, e.g. the online
  /// switch) exclusively: after the apply in flight, before the next one.
  /// `make` builds the batch when its turn comes, from the state then.
  void write(std::function<persistence::write_batch()> make, commit_done done);

  /// The applied watermark of `stream`, read from the store.
  persistence::result<uint64_t> applied(const stream_id& stream) const;

  /// Answers `x`, at or below the watermark `applied`: a re-ack if it is
  /// the instruction that was applied as its seq, else `conflict`.
  void answer_duplicate(const instruction& x, uint64_t applied,
                        const ack_reply& reply);

  /// The digest kept for `x`'s stream and seq; empty if none (or unreadable:
  /// then the duplicate is re-acked as before digests were kept).
  std::string kept_digest(const instruction& x) const;

private:
  struct request {
    instruction x;
    ack_reply reply;
  };

  struct own_write {
    std::function<persistence::write_batch()> make;
    commit_done done;
  };

  /// Starts the next piece of work if none is in flight.
  void pump();

  /// Answers `r` from the watermark if it is a duplicate or a gap; true if
  /// it did (false: `r` is the next instruction of its stream).
  bool answer_from_watermark(request& r);

  /// The batch of the apply in flight committed (or failed); `acked` is
  /// what the apply is answered with.
  void committed(const caf::error& err, uint64_t acked);

  persistence::environment& env_;
  std::shared_ptr<execution_log> executions_;
  const log::context& log_;
  receiver_target& target_;
  // Lists, not deques: an empty std::deque allocates ~600 bytes, and most
  // receivers (idle DEVICE actors) have nothing queued.
  std::list<request> queue_;
  /// Allocated on the first own write: most receivers never have one.
  std::unique_ptr<std::list<own_write>> writes_;
  /// The apply being executed or committed.
  /// On the heap: an instruction is ~250 bytes that an idle receiver
  /// does not need.
  std::unique_ptr<request> current_;
  uint64_t op_ = 0;
  /// An apply or an own write is executing or committing.
  bool busy_ = false;
  bool held_ = false;
};

} // namespace onset::actors
