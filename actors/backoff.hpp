// Capped exponential backoff, shared by every actor that retries: the
// CONTRACT actor resending a step and the PEER LINK reconnecting. Plain C++,
// no CAF.
#pragma once

#include <algorithm>
#include <chrono>

namespace onset::actors {

/// The delay before retry number `attempt` (1 for the first retry): `base`
/// doubled for each attempt after the first, at most `cap`. Attempt 0 is
/// treated as 1. REQUIRES: `base` and `cap` are not negative.
template <class Rep, class Period>
std::chrono::duration<Rep, Period>
capped_backoff(std::chrono::duration<Rep, Period> base,
               std::chrono::duration<Rep, Period> cap, unsigned attempt) {
  auto delay = base;
  for (unsigned i = 1; i < attempt && delay < cap; ++i)
    delay *= 2;
  return std::min(delay, cap);
}

/// `delay` scaled by `factor` (a jitter, e.g. drawn from [0.5, 1.5), so that
/// actors that failed together do not retry together).
template <class Rep, class Period>
std::chrono::duration<Rep, Period>
jittered(std::chrono::duration<Rep, Period> delay, double factor) {
  return std::chrono::duration_cast<std::chrono::duration<Rep, Period>>(
    delay * factor);
}

} // namespace onset::actors
