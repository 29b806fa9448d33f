// The actor system configuration of the tests that spawn actors: Onset's
// types and error category, registered as every Onset process registers
// them (actors/onset_types.hpp).
#pragma once

#include <caf/actor_system_config.hpp>

#include "actors/onset_types.hpp"

namespace onset::test {

struct test_config : caf::actor_system_config {
  test_config() {
    actors::add_onset_types(*this);
  }
};

} // namespace onset::test
