// One answer of a step batch (docs/design.md, "Distribution"): a ROUTER sends a
// remote supervisor the steps several CONTRACTs asked for as one message, each
// tagged with a token; the supervisor's answers come back in messages of these,
// each naming the token it answers.
#pragma once

#include <cstdint>

#include <caf/error.hpp>
#include <caf/meta/type_name.hpp>

#include "messages/instruction.hpp"

namespace onset {
inline namespace messages {

struct step_answer {
  /// The token the ROUTER gave the step when it sent the batch.
  uint64_t token = 0;
  /// The receiver's answer to the step: its ack, unless `error` is set.
  instruction_ack ack;
  caf::error error;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, step_answer& x) {
  return f(caf::meta::type_name("step_answer"), x.token, x.ack, x.error);
}

} // namespace messages
} // namespace onset
