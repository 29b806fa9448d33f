// The metrics of one node process (docs/operations.md, "Metrics"): one
// Prometheus registry, counters and histograms its actors and threads
// update as things happen, gauges read at scrape from sources the node
// registers. Thread-safe throughout (prometheus-cpp's metric types are);
// an actor holds a pointer to it, none in tests that do not look.
//
// Labels are small and bounded: step kinds, target types, states, peer
// node names, endpoint declarations, route patterns, statuses; never a
// contract, printer or customer id.
//
// No prometheus-cpp header here (nor CAF): the actors that count include
// this one, and only metrics.cpp compiles prometheus-cpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace onset {
inline namespace messages {
enum class step_kind : uint8_t;
enum class target_kind : uint8_t;
enum class contract_state : uint8_t;
} // namespace messages
} // namespace onset

namespace onset::metrics {

/// What happened to a step of a CONTRACT actor (`onset_steps_*_total`).
enum class step_event : uint8_t {
  /// Sent for the first time.
  sent,
  /// Sent again: after a timeout, an error, a gap, a peer back, a restart.
  resent,
  /// Acknowledged: its target committed it.
  acked,
  /// Refused by its target for good.
  refused,
  /// Given up: replaced by a skip in its stream.
  abandoned,
};

/// What one request to an endpoint came to (actors/endpoint_client.hpp).
enum class endpoint_outcome : uint8_t { ok, unavailable, lost, violation };

class node_metrics {
public:
  node_metrics();
  ~node_metrics();

  node_metrics(const node_metrics&) = delete;
  node_metrics& operator=(const node_metrics&) = delete;

  // -- counted as it happens ------------------------------------------------

  void step(step_event what, step_kind kind, target_kind to);

  /// A step's first send to its ack.
  void step_latency(std::chrono::nanoseconds x);

  /// One committed STORE round: how long it took, its batches and records.
  void store_round(std::chrono::nanoseconds took, size_t batches,
                   uint64_t records);

  /// The PEER LINK to node `peer` is up, or down (`up` false: also when
  /// it starts, before its first connect). Counts each change to down.
  void peer(const std::string& peer, bool up);

  /// One request (`apply` or `read`) to the endpoint declared as
  /// `endpoint` (config/endpoints_file.hpp: `printers`,
  /// `services.data_backup`; a per-customer declaration counts as
  /// `printers_by_customer`, which names no customer).
  void endpoint_request(const std::string& endpoint, const char* request,
                        endpoint_outcome outcome);

  /// One answered API request: `route` is the route's pattern
  /// (`/v1/contracts/{id}`), or `unrouted`.
  void api_request(const std::string& method, const std::string& route,
                   int status);

  /// One webhook POST of an event: a 2xx (`delivered`) or not.
  void webhook_delivery(bool delivered);

  // -- read at scrape -------------------------------------------------------

  void set_contracts(contract_state state, uint64_t count);
  void set_printers_degraded(uint64_t count);
  void set_steps_in_flight(uint64_t in_flight, uint64_t waiting);
  /// Over this node's webhook subscriptions: the events not yet delivered
  /// and the subscriptions marked failing.
  void set_webhooks(uint64_t backlog, uint64_t failing);
  void set_lmdb_map(uint64_t used_bytes, uint64_t size_bytes);

  /// Called, in order of addition, at each scrape before the text is made:
  /// sets the gauges above from what the node holds now. Each returns
  /// quickly and never waits for an actor.
  void add_source(std::function<void(node_metrics&)> source);

  /// Drops every source (before what they read goes away).
  void clear_sources();

  /// Runs the sources, then renders every metric in the Prometheus text
  /// format 0.0.4.
  std::string scrape();

  /// The media type of `scrape()`'s text.
  static const char* content_type();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace onset::metrics
