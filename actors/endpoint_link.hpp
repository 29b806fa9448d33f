// How a DEVICE or SERVICE actor executes its instructions on an external
// endpoint instead of the embedded simulator (docs/design.md, "Endpoints").
// One link per receiving actor, used from its handlers only; the HTTP calls
// run on the endpoint_client's threads, and each answer comes back as a
// message to the actor (`wake`), which then calls `resume`.
//
// Per instruction, on an idempotent endpoint:
//   [read the stream's applied seq, if its last apply got no answer]
//     -> apply -> applied / already_applied: commit Onset's mirror of the
//        target's state (from the answer) with the watermark, then ack
// on a state-only endpoint:
//   read -> effect present: commit the mirror, no apply
//        -> acked before (`instruction::acked_before`: a resync after this
//           receiver's store went back): commit the mirror, no apply
//        -> else apply -> read back -> effect present: commit, else refused
//
// An idempotent endpoint is sent what was acked before like any step: its
// records answer `already_applied`, or `out_of_order` if it went back too.
// The embedded simulator performs it again: its effect went back with the
// store.
//
// Answers map to the receiver core's results: refused -> `refused`;
// retry_later, no connection, a timeout, 429, 5xx -> `transient`;
// conflict -> `conflict` (and a loud `endpoint.conflict`); out_of_order or
// a read showing the endpoint behind -> the watermark lowered to the
// endpoint's (a gap); anything outside the protocol ->
// `endpoint.protocol_violation`, `transient`, never acked.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "actors/endpoint_client.hpp"
#include "actors/receiver_core.hpp"
#include "messages/error_code.hpp"
#include "messages/log.hpp"

namespace onset::actors {

class endpoint_link {
public:
  /// Makes the owning actor call `resume(call)` from a later handler (a
  /// message to itself); called on an endpoint_client thread.
  using wake_fn = std::function<void(uint64_t call)>;

  /// The effect that writes Onset's mirror of the target's state; a pure
  /// function of the transaction.
  using mirror_fn
    = std::function<persistence::write_batch(const endpoint::target_state&)>;

  /// REQUIRES: `client`, `log` and `core` outlive the link.
  endpoint_link(endpoint_client& client, const log::context& log, wake_fn wake,
                mirror_fn mirror);

  /// The core (set once it exists: it is built after the link's owner).
  void bind(receiver_core& core) {
    core_ = &core;
  }

  /// Whether the endpoint keeps an applied seq per stream (an idempotent
  /// one), so that it must be sent skips too.
  bool keeps_seqs() const;

  /// Starts executing `x`, operation `op` of the core.
  void execute(const instruction& x, uint64_t op);

  /// The answer to call `call` has come; a stale one is dropped.
  void resume(uint64_t call);

private:
  enum class phase { read_before, apply, read_back };

  /// Answers waiting for the actor, filled on client threads.
  struct mailbox {
    std::mutex mtx;
    std::map<uint64_t, endpoint_answer> answers;
  };

  /// The callback of call `call`: parks the answer in `box_`, wakes the
  /// actor.
  endpoint_callback parked(uint64_t call) const;
  void send_read(const instruction& x, phase p);
  void send_apply(const instruction& x);
  void on_read_before(const instruction& x, const endpoint_answer& a);
  void on_apply(const instruction& x, const endpoint_answer& a);
  void on_read_back(const instruction& x, const endpoint_answer& a);
  /// A call that got no usable answer: `transient`.
  void on_failed(const instruction& x, const endpoint_answer& a);
  void violation(const instruction& x, const std::string& what);
  void commit(const endpoint::target_state& state);
  void fail(error_code code, std::string reason);

  endpoint_client& client_;
  const log::context& log_;
  wake_fn wake_;
  mirror_fn mirror_;
  receiver_core* core_ = nullptr;
  std::shared_ptr<mailbox> box_ = std::make_shared<mailbox>();
  uint64_t op_ = 0;
  uint64_t call_ = 0;
  phase phase_ = phase::apply;
  /// Streams whose last apply got no answer: the endpoint may have applied
  /// it, so the next attempt reads first.
  std::set<stream_id> uncertain_;
};

} // namespace onset::actors
