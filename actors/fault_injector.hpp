// FAULT INJECTOR (test-only, docs/chaos.md): stands between the CONTRACT
// actors of a node and the DEVICE or SERVICE SUPERVISOR (or ROUTER) they
// send to, with the same interface, and drops, duplicates or delays
// instructions and their acks as a seeded fault_plan says. Everything else
// passes through unchanged. The delivery rules (docs/design.md) must
// make every fault invisible in effect: a dropped instruction or ack is a
// timeout and a resend, a duplicate is re-acked, a delayed one arrives
// after its resend and is re-acked.
#pragma once

#include <chrono>
#include <string>

#include <caf/fwd.hpp>

#include "actors/fault_plan.hpp"
#include "actors/protocol.hpp"

namespace onset::actors {

/// Spawns a FAULT INJECTOR in front of `inner`. `tag` names it in the log
/// (`[faults devices@c1]`); its own requests to `inner` wait at most
/// `timeout`.
device_actor spawn_fault_injector(caf::actor_system& sys, device_actor inner,
                                  const fault_options& faults, std::string tag,
                                  std::chrono::nanoseconds timeout);

service_actor spawn_fault_injector(caf::actor_system& sys, service_actor inner,
                                   const fault_options& faults, std::string tag,
                                   std::chrono::nanoseconds timeout);

} // namespace onset::actors
