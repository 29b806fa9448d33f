// The actor system configuration of the tests that spawn actors: Onset's
// types and error category, registered as every Onset process registers
// them (actors/onset_types.hpp).
//
// The constructor is compiled once, in onset_test_support: registering
// every wire type instantiates CAF's serialization code for each of them,
// about four seconds of CPU in every test file that would otherwise inline
// it (tests/actors/contract_flow_test.cpp: 17.8 s -> 14.0 s).
#pragma once

#include <caf/actor_system_config.hpp>

// What add_onset_types registers, for the tests that send it.
#include "actors/protocol.hpp"
#include "messages/error_code.hpp"
#include "messages/type_ids.hpp"

namespace onset::test {

struct test_config : caf::actor_system_config {
  test_config();
};

} // namespace onset::test
