// Application-level faults for chaos tests (docs/chaos.md): what a
// FAULT INJECTOR does to each instruction between a CONTRACT and its
// target, as a seeded random choice. Test-only: a node accepts a fault spec
// only when it is explicitly enabled. No CAF.
//
//   spec := item (',' item)*
//   item := 'drop=' P | 'duplicate=' P | 'delay=' P | 'refuse=' P
//         | 'delay_ms=' N | 'seed=' N
//
// P is a probability in [0, 1]; the four together at most 1. A drop loses
// the instruction (half of the time) or its ack (the other half); a
// duplicate delivers the instruction twice; a delay holds it for up to
// `delay_ms` (default 500) before it goes on; a refuse answers `refused` in
// the target's place, as a printer does that cannot take a step (never for
// a `skip`, which every target takes).
#pragma once

#include <chrono>
#include <cstdint>
#include <random>
#include <string>

#include "messages/outcome.hpp"

namespace onset::actors {

struct fault_options {
  double drop = 0;
  double duplicate = 0;
  double delay = 0;
  double refuse = 0;
  std::chrono::milliseconds max_delay{500};
  uint64_t seed = 1;

  bool any() const {
    return drop > 0 || duplicate > 0 || delay > 0 || refuse > 0;
  }
};

enum class fault {
  none,
  drop_request,
  drop_reply,
  duplicate,
  delay,
  refuse,
};

const char* to_string(fault x);

/// Parses a spec; a refusal names the item.
outcome<fault_options> parse_fault_spec(const std::string& spec);

/// The spec `parse_fault_spec` reads back to `x`.
std::string to_string(const fault_options& x);

/// Seeded choices: the same options and seed give the same faults in the
/// same order.
class fault_plan {
public:
  explicit fault_plan(const fault_options& x);

  /// The fault for the next instruction.
  fault next();

  /// How long the next delayed instruction waits: in (0, max_delay].
  std::chrono::milliseconds next_delay();

private:
  fault_options options_;
  std::mt19937_64 rng_;
};

} // namespace onset::actors
