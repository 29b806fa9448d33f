#include "actors/batch_collector.hpp"

#include <utility>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "messages/error_code.hpp"
#include "messages/log.hpp"

namespace onset::actors {

namespace {

struct batch_collector_state {
  static inline const char* name = "batch-collector";

  step_sink_actor sink;
  /// Answers not sent yet.
  std::vector<step_answer> ready;
  /// Steps not answered yet.
  size_t unanswered = 0;
  /// A flush to itself is queued behind the answers already in the mailbox.
  bool flush_queued = false;
};

using self_ptr = caf::stateful_actor<batch_collector_state>*;

void send_ready(self_ptr self) {
  auto& st = self->state;
  st.flush_queued = false;
  if (!st.ready.empty()) {
    self->send(st.sink, atom::answered_v, std::move(st.ready));
    st.ready.clear();
  }
  if (st.unanswered == 0)
    self->quit();
}

void take(self_ptr self, step_answer x) {
  auto& st = self->state;
  st.ready.push_back(std::move(x));
  --st.unanswered;
  if (!st.flush_queued) {
    st.flush_queued = true;
    self->send(self, atom::flush_v);
  }
}

caf::behavior batch_collector_behavior(self_ptr self, caf::actor receiver,
                                       std::vector<instruction> steps,
                                       uint64_t first_token,
                                       step_sink_actor sink,
                                       std::chrono::nanoseconds patience) {
  auto& st = self->state;
  st.sink = std::move(sink);
  st.unanswered = steps.size();
  if (steps.empty()) {
    self->quit();
    return {};
  }
  // No timeout per request: `receiver` is on this node (checked below), so
  // no peer can die with a request of ours; a receiver that stops bounces
  // what its mailbox holds, and `patience` bounds the rest.
  if (receiver.node() != self->node()) {
    log::error("batch.remote_receiver", {{"steps", steps.size()}});
    for (size_t i = 0; i < steps.size(); ++i)
      take(self, step_answer{first_token + i, instruction_ack{},
                             refusal(error_code::invalid_input,
                                     "a step batch's receiver must be on the "
                                     "collector's node")});
    return {[self](atom::flush) { send_ready(self); }};
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    auto token = first_token + i;
    self->request(receiver, caf::infinite, atom::apply_v, std::move(steps[i]))
      .then(
        [self, token](instruction_ack& ack) {
          take(self, step_answer{token, std::move(ack), caf::error{}});
        },
        [self, token](caf::error& err) {
          take(self, step_answer{token, instruction_ack{}, std::move(err)});
        });
  }
  self->delayed_send(self, patience, atom::done_v);
  return {
    [self](atom::flush) { send_ready(self); },
    [self](atom::done) {
      auto& st = self->state;
      log::warn("batch.patience_over", {{"unanswered", st.unanswered}});
      st.unanswered = 0;
      send_ready(self);
    },
  };
}

} // namespace

void collect_batch(caf::actor_system& sys, caf::actor receiver,
                   std::vector<instruction> steps, uint64_t first_token,
                   step_sink_actor sink, std::chrono::nanoseconds patience) {
  sys.spawn(batch_collector_behavior, std::move(receiver), std::move(steps),
            first_token, std::move(sink), patience);
}

} // namespace onset::actors
