// SERVICE: the smart-service server side of one catalog service. Per
// printer it holds a service_device_state (persistence/service_store.hpp):
//
//   prepare     registered, values := the instruction's values (a renewal's
//               prepare for a known printer re-applies them); each value must
//               be a server-side setting of the service, in range
//   activate    active; refused unless the printer is prepared
//   deactivate  inactive, values dropped, unregistered (idempotent)
//
// Same delivery contract as a DEVICE (actors/receiver_core.hpp): next seq
// only, duplicates re-acked, effect + watermark in one transaction, ack
// after the commit. Spawned by the SERVICE SUPERVISOR.
//
// With an endpoints file, the steps are executed by the service's endpoint
// instead (actors/endpoint_link.hpp), and the per-printer state committed is
// Onset's mirror of what the endpoint answered.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "actors/endpoint_link.hpp"
#include "actors/protocol.hpp"
#include "actors/receiver_context.hpp"
#include "actors/receiver_core.hpp"
#include "messages/catalog.hpp"
#include "messages/log.hpp"

namespace onset::actors {

struct service_state;

/// Runs a SERVICE's receiver_core callbacks on its actor (service_actor.cpp).
class service_target final : public receiver_target {
public:
  using self_ptr = service_worker_actor::stateful_pointer<service_state>;

  void bind(self_ptr self) {
    self_ = self;
  }

  void execute(const instruction& x, uint64_t op) override;
  bool executes_skips() const override;
  void commit(persistence::write_batch batch, commit_done done) override;
  /// Nothing cached: a SERVICE reads its per-printer state in each step.
  void reload() override {
  }

private:
  self_ptr self_ = nullptr;
};

struct service_state {
  static inline const char* name = "service";

  service_id id;
  /// The catalog entry of `id`; points into `cat`.
  const service_spec* spec = nullptr;
  std::shared_ptr<const catalog> cat;
  receiver_context ctx;
  /// `service=data_backup` in every event.
  log::context log;
  /// Delivering to an endpoint; none with the embedded simulator.
  std::unique_ptr<endpoint_link> link;
  service_target target;
  /// Declared last: it refers to `log` and `target`.
  std::optional<receiver_core> core;
};

/// REQUIRES: `id` is a service of `cat`; otherwise the actor stops at once
/// with `unknown_service`.
service_worker_actor::behavior_type
service_behavior(service_worker_actor::stateful_pointer<service_state> self,
                 service_id id, receiver_context ctx,
                 std::shared_ptr<const catalog> cat);

} // namespace onset::actors
