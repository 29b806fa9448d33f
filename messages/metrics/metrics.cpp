#include "messages/metrics/metrics.hpp"

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <sstream>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "messages/contract_state.hpp"
#include "messages/instruction.hpp"

namespace onset::metrics {

namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;
using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;

constexpr size_t step_kinds = static_cast<size_t>(step_kind::skip) + 1;
constexpr size_t target_kinds = 2;
constexpr size_t step_events = static_cast<size_t>(step_event::abandoned) + 1;
constexpr size_t contract_states = static_cast<size_t>(contract_state::ended)
                                   + 1;

const char* to_string(target_kind x) {
  return x == target_kind::device ? "device" : "service";
}

const char* to_string(endpoint_outcome x) {
  switch (x) {
    case endpoint_outcome::ok:
      return "ok";
    case endpoint_outcome::unavailable:
      return "unavailable";
    case endpoint_outcome::lost:
      return "lost";
    case endpoint_outcome::violation:
      return "violation";
  }
  return "unknown";
}

/// Send to ack: a step acknowledged at once on one node takes about a
/// millisecond; the step deadline is 10 minutes by default.
const Histogram::BucketBoundaries latency_buckets{
  0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2,
  0.5,    1,     2,     5,     10,   30,   60,   300, 600};

/// A durable round costs two fsyncs: about a millisecond on an SSD.
const Histogram::BucketBoundaries round_buckets{0.0001, 0.0002, 0.0005, 0.001,
                                                0.002,  0.005,  0.01,   0.02,
                                                0.05,   0.1,    0.2,    0.5,
                                                1,      5};

const Histogram::BucketBoundaries records_buckets{
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 100000};

/// The per-customer declarations of an endpoints file
/// (`printers_by_customer.ACME`) as one label value: no customer ids.
std::string endpoint_label(const std::string& endpoint) {
  static const std::string per_customer = "printers_by_customer";
  if (endpoint.compare(0, per_customer.size(), per_customer) == 0)
    return per_customer;
  return endpoint;
}

} // namespace

struct node_metrics::impl {
  prometheus::Registry registry;

  Family<Counter>& sent = family("onset_steps_sent_total",
                                 "Steps sent for the first time by this "
                                 "node's CONTRACT actors");
  Family<Counter>& resent = family("onset_steps_resent_total",
                                   "Steps sent again (timeout, error, gap, "
                                   "peer back, restart)");
  Family<Counter>& acked = family("onset_steps_acked_total",
                                  "Steps acknowledged by their target");
  Family<Counter>& refused = family("onset_steps_refused_total",
                                    "Steps their target refused for good");
  Family<Counter>& abandoned = family("onset_steps_abandoned_total",
                                      "Steps given up (replaced by a skip)");
  /// The series of each event, kind and target, made on first use.
  std::array<std::atomic<Counter*>, step_events * step_kinds * target_kinds>
    steps{};

  Histogram& latency = BuildHistogram()
                         .Name("onset_step_latency_seconds")
                         .Help("Time from a step's first send to its ack")
                         .Register(registry)
                         .Add({}, latency_buckets);

  Histogram& round_duration
    = BuildHistogram()
        .Name("onset_store_round_duration_seconds")
        .Help("Time the STORE took for one committed write round")
        .Register(registry)
        .Add({}, round_buckets);
  Histogram& round_records
    = BuildHistogram()
        .Name("onset_store_round_records")
        .Help("Records (LMDB puts and deletes) per committed STORE round")
        .Register(registry)
        .Add({}, records_buckets);
  Counter& batches = BuildCounter()
                       .Name("onset_store_batches_total")
                       .Help("Write batches committed by the STORE")
                       .Register(registry)
                       .Add({});

  Family<Gauge>& contracts = BuildGauge()
                               .Name("onset_contracts")
                               .Help("Contracts in this node's store, by "
                                     "state")
                               .Register(registry);
  std::array<Gauge*, contract_states> by_state{};
  Gauge& printers_degraded
    = BuildGauge()
        .Name("onset_printers_degraded")
        .Help("Printers left behind (degraded) in contracts of this node")
        .Register(registry)
        .Add({});
  Gauge& in_flight = BuildGauge()
                       .Name("onset_steps_in_flight")
                       .Help("Steps sent and not yet answered (permits of "
                             "the step budget in use)")
                       .Register(registry)
                       .Add({});
  Gauge& waiting = BuildGauge()
                     .Name("onset_step_permit_waiters")
                     .Help("CONTRACT actors queued for a permit of the step "
                           "budget, each with steps waiting to be sent")
                     .Register(registry)
                     .Add({});
  Gauge& map_used = BuildGauge()
                      .Name("onset_lmdb_map_used_bytes")
                      .Help("Bytes of the LMDB map in use (pages up to the "
                            "last one written)")
                      .Register(registry)
                      .Add({});
  Gauge& map_size = BuildGauge()
                      .Name("onset_lmdb_map_size_bytes")
                      .Help("Size of the LMDB map (grows when full)")
                      .Register(registry)
                      .Add({});

  Family<Gauge>& peer_up = BuildGauge()
                             .Name("onset_peer_up")
                             .Help("1 while the PEER LINK to the node is up")
                             .Register(registry);
  Family<Counter>& peer_downs = BuildCounter()
                                  .Name("onset_peer_down_total")
                                  .Help("Times the PEER LINK to the node "
                                        "went down")
                                  .Register(registry);
  Family<Counter>& endpoint_requests
    = BuildCounter()
        .Name("onset_endpoint_requests_total")
        .Help("Requests to an endpoint, by declaration, request and outcome")
        .Register(registry);
  Family<Counter>& api_requests = BuildCounter()
                                    .Name("onset_api_requests_total")
                                    .Help("HTTP API requests answered, by "
                                          "route pattern and status")
                                    .Register(registry);

  Family<Counter>& webhook_deliveries
    = BuildCounter()
        .Name("onset_webhook_deliveries_total")
        .Help("Webhook POSTs of events, by outcome (delivered: a 2xx; "
              "failed: anything else, retried)")
        .Register(registry);
  Gauge& webhook_backlog
    = BuildGauge()
        .Name("onset_webhook_backlog_events")
        .Help("Events in the contracts nodes' feeds after the "
              "subscriptions' cursors, summed over the subscriptions")
        .Register(registry)
        .Add({});
  Gauge& webhooks_failing = BuildGauge()
                              .Name("onset_webhook_subscriptions_failing")
                              .Help("Webhook subscriptions marked failing")
                              .Register(registry)
                              .Add({});

  std::mutex sources_mutex;
  std::vector<std::function<void(node_metrics&)>> sources;

  impl() {
    for (size_t i = 0; i < contract_states; ++i)
      by_state[i] = &contracts.Add(
        {{"state", onset::to_string(static_cast<contract_state>(i))}});
  }

  Family<Counter>& family(const char* name, const char* help) {
    return BuildCounter().Name(name).Help(help).Register(registry);
  }

  Family<Counter>& of(step_event what) {
    switch (what) {
      case step_event::sent:
        return sent;
      case step_event::resent:
        return resent;
      case step_event::acked:
        return acked;
      case step_event::refused:
        return refused;
      case step_event::abandoned:
        break;
    }
    return abandoned;
  }

  /// The counter of (what, kind, to); Family::Add is the slow path (a lock
  /// and a map), taken once per series.
  Counter& step_counter(step_event what, step_kind kind, target_kind to) {
    auto i
      = (static_cast<size_t>(what) * step_kinds + static_cast<size_t>(kind))
          * target_kinds
        + static_cast<size_t>(to);
    auto* x = steps[i].load(std::memory_order_acquire);
    if (x == nullptr) {
      x = &of(what).Add(
        {{"kind", onset::to_string(kind)}, {"target", to_string(to)}});
      steps[i].store(x, std::memory_order_release);
    }
    return *x;
  }
};

node_metrics::node_metrics() : impl_(std::make_unique<impl>()) {
}

node_metrics::~node_metrics() = default;

void node_metrics::step(step_event what, step_kind kind, target_kind to) {
  impl_->step_counter(what, kind, to).Increment();
}

void node_metrics::step_latency(std::chrono::nanoseconds x) {
  impl_->latency.Observe(std::chrono::duration<double>(x).count());
}

void node_metrics::store_round(std::chrono::nanoseconds took, size_t batches,
                               uint64_t records) {
  impl_->round_duration.Observe(std::chrono::duration<double>(took).count());
  impl_->round_records.Observe(static_cast<double>(records));
  impl_->batches.Increment(static_cast<double>(batches));
}

void node_metrics::peer(const std::string& peer, bool up) {
  auto& gauge = impl_->peer_up.Add({{"peer", peer}});
  auto& downs = impl_->peer_downs.Add({{"peer", peer}});
  if (!up && gauge.Value() != 0)
    downs.Increment();
  gauge.Set(up ? 1 : 0);
}

void node_metrics::endpoint_request(const std::string& endpoint,
                                    const char* request,
                                    endpoint_outcome outcome) {
  impl_->endpoint_requests
    .Add({{"endpoint", endpoint_label(endpoint)},
          {"request", request},
          {"outcome", to_string(outcome)}})
    .Increment();
}

void node_metrics::api_request(const std::string& method,
                               const std::string& route, int status) {
  impl_->api_requests
    .Add({{"method", method},
          {"route", route},
          {"status", std::to_string(status)}})
    .Increment();
}

void node_metrics::webhook_delivery(bool delivered) {
  impl_->webhook_deliveries
    .Add({{"outcome", delivered ? "delivered" : "failed"}})
    .Increment();
}

void node_metrics::set_webhooks(uint64_t backlog, uint64_t failing) {
  impl_->webhook_backlog.Set(static_cast<double>(backlog));
  impl_->webhooks_failing.Set(static_cast<double>(failing));
}

void node_metrics::set_contracts(contract_state state, uint64_t count) {
  impl_->by_state[static_cast<size_t>(state)]->Set(static_cast<double>(count));
}

void node_metrics::set_printers_degraded(uint64_t count) {
  impl_->printers_degraded.Set(static_cast<double>(count));
}

void node_metrics::set_steps_in_flight(uint64_t in_flight, uint64_t waiting) {
  impl_->in_flight.Set(static_cast<double>(in_flight));
  impl_->waiting.Set(static_cast<double>(waiting));
}

void node_metrics::set_lmdb_map(uint64_t used_bytes, uint64_t size_bytes) {
  impl_->map_used.Set(static_cast<double>(used_bytes));
  impl_->map_size.Set(static_cast<double>(size_bytes));
}

void node_metrics::add_source(std::function<void(node_metrics&)> source) {
  std::lock_guard<std::mutex> guard{impl_->sources_mutex};
  impl_->sources.push_back(std::move(source));
}

void node_metrics::clear_sources() {
  std::lock_guard<std::mutex> guard{impl_->sources_mutex};
  impl_->sources.clear();
}

std::string node_metrics::scrape() {
  {
    // One scrape at a time runs the sources: they set shared gauges.
    std::lock_guard<std::mutex> guard{impl_->sources_mutex};
    for (auto& source : impl_->sources)
      source(*this);
  }
  std::ostringstream out;
  prometheus::TextSerializer{}.Serialize(out, impl_->registry.Collect());
  return out.str();
}

const char* node_metrics::content_type() {
  return "text/plain; version=0.0.4; charset=utf-8";
}

} // namespace onset::metrics
