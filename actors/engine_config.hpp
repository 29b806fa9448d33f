// Every tunable of the engine, in one place, each with its default and what
// it does. Nodes fill it from their configuration; tests shorten the times.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>

#include "messages/utc_time.hpp"

namespace onset::actors {

struct engine_config {
  using duration = std::chrono::nanoseconds;

  /// How long a CONTRACT waits for a target's reply to one send before it
  /// counts the send as "maybe applied" and resends.
  duration request_timeout = std::chrono::seconds{5};

  /// First resend delay; doubled per failed attempt up to `resend_cap`, then
  /// scaled by a random factor in [0.5, 1.5) (jitter).
  duration resend_base = std::chrono::milliseconds{200};
  duration resend_cap = std::chrono::seconds{10};

  /// A step not acknowledged this long after it was first sent turns its
  /// contract `degraded`; `retry` resumes it.
  duration step_deadline = std::chrono::minutes{10};

  /// Printers of one contract with a step in flight at the same time.
  size_t max_devices_in_flight = 16;

  /// Requests of all CONTRACT actors of a node in flight at the same time
  /// (the node's step budget, actors/step_budget.hpp); a CONTRACT that finds
  /// none free waits before it sends, so its request timeout has not
  /// started yet. 0: no limit.
  size_t max_steps_in_flight = 1024;

  /// A CONTRACT actor that crashes more than `restart_limit` times within
  /// `restart_window` is not restarted again; its contract turns `degraded`.
  size_t restart_limit = 5;
  duration restart_window = std::chrono::seconds{30};

  /// The CONTRACT SUPERVISOR checks due start and end dates at least this
  /// often (and exactly at the next due date when that comes sooner).
  duration timer_poll = std::chrono::seconds{1};

  /// Contract events whose time (`at`, the wall clock) is older than this
  /// are removed from the node's feed, the oldest first, never the newest
  /// (persistence/feed_store.hpp); zero keeps them forever.
  duration event_retention = std::chrono::hours{24 * 30};

  /// How often the CONTRACT SUPERVISOR looks for events to remove (also
  /// once at its start).
  duration event_prune_interval = std::chrono::hours{1};

  /// The most events one STORE batch of the prune removes; the next batch
  /// follows once it is committed, so that a long backlog never makes one
  /// long write transaction.
  size_t event_prune_chunk = 1000;

  /// How long the supervisor waits for a CONTRACT and the DEVICE SUPERVISOR
  /// (not for the STORE: persistence::request_write).
  duration local_timeout = std::chrono::seconds{30};
};

/// Wall-clock time for contract dates and history. Injected, so tests drive
/// it; `system_wall_clock()` reads the system clock.
using wall_clock = std::function<utc_time()>;

wall_clock system_wall_clock();

/// How far the system clock is into its current second (what
/// `system_wall_clock()` drops).
std::chrono::nanoseconds system_into_second();

} // namespace onset::actors
