// What every `onset-node` process does around its actors, whatever roles it
// runs: stop signals, the catalog and the LMDB environment it opens once, the
// port files scripts wait for, and the watchdog of a slow stop. No CAF here.
#pragma once

#include <signal.h>
#include <sysexits.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "actors/endpoint_client.hpp"
#include "messages/catalog.hpp"
#include "messages/metrics/metrics.hpp"
#include "nodes/node_options.hpp"
#include "persistence/environment.hpp"

namespace onset::nodes {

/// The signal a node sends itself when its STORE has stopped on its own (a
/// fatal storage error): it wakes `wait_for_stop`.
constexpr int store_failed_signal = SIGUSR1;

/// The exit code of a node whose STORE met a fatal storage error
/// (docs/deploy.md, "Exit codes of onset-node").
constexpr int exit_storage_failed = EX_IOERR;

/// Blocks SIGTERM, SIGINT and `store_failed_signal` for this thread and
/// every thread it starts later, and returns them for `wait_for_stop`.
/// REQUIRES: called from main before any other thread exists.
sigset_t block_stop_signals();

/// Waits until SIGTERM or SIGINT arrives, or `store_failed` is set and
/// `store_failed_signal` sent (a `store_failed_signal` without it is
/// logged and ignored); returns the signal's number.
int wait_for_stop(const sigset_t& signals,
                  const std::atomic<bool>& store_failed);

/// Ends the process if a clean stop takes longer than 10 s: an operator's
/// SIGTERM must not hang. Nothing committed is lost by exiting.
void arm_shutdown_watchdog();

/// Writes `port` to DIR/NAME (write, rename), where scripts and tests find
/// the port a node bound.
void write_port_file(const std::string& dir, const std::string& name,
                     uint16_t port);

/// Removes DIR/NAME if it exists.
void remove_port_file(const std::string& dir, const std::string& name);

/// The catalog and the LMDB environment of a node, opened once, and the
/// process's metrics (docs/operations.md).
struct node_storage {
  std::shared_ptr<const catalog> cat;
  std::shared_ptr<metrics::node_metrics> metrics;
  /// The endpoint clients of `--endpoints`; none without it.
  std::shared_ptr<actors::endpoint_set> endpoints;
  std::unique_ptr<persistence::environment> env;
};

/// Loads the catalog and the endpoints file (if any), opens the data
/// directory of `options`; logs why and returns nullopt if any fails. The
/// endpoint clients (and their threads) are started only when `delivers`:
/// the node holds the devices or the services role. Another node still
/// refuses a malformed endpoints file, so that one file serves a cluster.
std::optional<node_storage> open_node_storage(const node_options& options,
                                              bool delivers);

/// The scheduler threads `options` ask for (0: one per core, at least 1).
size_t scheduler_threads(const node_options& options);

} // namespace onset::nodes
