// What every CONTRACT actor of a node shares: the catalog, the storage, the
// routes to printers and services, the tunables, the wall clock and the
// step latency histogram and budget, the node's metrics.
#pragma once

#include <functional>
#include <memory>

#include "actors/engine_config.hpp"
#include "actors/protocol.hpp"
#include "actors/step_budget.hpp"
#include "actors/step_latency.hpp"
#include "messages/catalog.hpp"
#include "messages/metrics/metrics.hpp"
#include "persistence/store_actor.hpp"

namespace onset::actors {

struct contract_context {
  std::shared_ptr<const catalog> cat;
  /// Read transactions only; writes go through `store`. Outlives the actors.
  persistence::environment* env = nullptr;
  persistence::store_actor store;
  /// The DEVICE SUPERVISOR's routing interface.
  device_actor devices;
  /// The SERVICE SUPERVISOR.
  service_actor services;
  engine_config config;
  wall_clock now;
  /// How far the wall clock is into its current second: `now` has whole
  /// seconds, so a timer armed for the next date subtracts this, or it
  /// would fire up to a second late. None: 0 (tests, whose clock moves in
  /// whole seconds).
  std::function<engine_config::duration()> into_second;
  /// Where CONTRACT actors record each step's send-to-ack latency; none in
  /// tests that do not look.
  std::shared_ptr<step_latency> latency;
  /// The node's budget of steps in flight, built from
  /// `config.max_steps_in_flight` by whoever builds the context; none: no
  /// limit.
  std::shared_ptr<step_budget> budget;
  /// The node's metrics (docs/operations.md); none: not counted.
  std::shared_ptr<metrics::node_metrics> metrics;
};

/// Counts `what` of step `x` in the node's metrics, if it has any.
inline void count_step(const contract_context& ctx, metrics::step_event what,
                       const instruction& x) {
  if (ctx.metrics)
    ctx.metrics->step(what, x.kind, x.stream.to.kind);
}

} // namespace onset::actors
