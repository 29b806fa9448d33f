// The HTTP side of the endpoint adapter (docs/design.md, "Endpoints"): one
// `endpoint_client` per configured endpoint, speaking the endpoint protocol
// v1 (docs/endpoints.md). Each client owns `connections` threads, never a
// CAF scheduler thread, each with its own keep-alive connection; they share
// one queue. A thread takes up to `max_batch` queued calls of one kind at
// once and sends them in one request (`POST /v1/apply` or `/v1/read`).
// Each call's answer goes to its callback, on the client's thread: the
// caller (a DEVICE or SERVICE actor) hands it to its own mailbox. A slow
// endpoint only fills its own queue.
//
// Every apply carries its deadline, `not_after` = now + the timeout
// (docs/endpoints.md, "Deadlines"). For a state-only endpoint, the targets
// of an apply that got no answer are not read before that deadline plus
// `deadline_margin`: the reads wait in the queue (other calls go on), so
// that the read before a resend comes when the lost apply can no longer
// take effect.
//
// No CAF and no httplib in this header.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "config/endpoints_file.hpp"
#include "messages/endpoint_protocol.hpp"
#include "messages/instruction.hpp"
#include "messages/metrics/metrics.hpp"

namespace onset::actors {

/// What one call came to.
struct endpoint_answer {
  enum class status {
    /// `result` (an apply) or `state` (a read) holds the endpoint's answer.
    ok,
    /// Nothing was done: the endpoint is down, overloaded (429) or the
    /// client stopped. Retry later.
    unavailable,
    /// The request may have reached the endpoint, but no answer came (a
    /// timeout, a dropped connection, a 5xx): the effect may be there.
    lost,
    /// The endpoint answered something the protocol does not allow.
    violation,
  };

  status outcome = status::ok;
  /// Why, when not `ok`.
  std::string what;
  endpoint::apply_result result;
  endpoint::target_state state;
};

using endpoint_callback = std::function<void(endpoint_answer)>;

class endpoint_client {
public:
  /// Starts the client's threads; nothing is sent until a call. Counts
  /// each request's outcome in `metrics`, if given.
  explicit endpoint_client(config::endpoint_spec spec,
                           std::shared_ptr<metrics::node_metrics> metrics
                           = nullptr);

  /// Stops the threads; queued calls are answered `unavailable`.
  ~endpoint_client();

  endpoint_client(const endpoint_client&) = delete;
  endpoint_client& operator=(const endpoint_client&) = delete;

  /// `printers`, `services.data_backup`: names the endpoint in logs.
  const std::string& name() const;

  /// False for a state-only endpoint.
  bool idempotent() const;

  /// Queues `x` for `POST /v1/apply`; `done` runs once, on a client thread.
  void apply(instruction x, endpoint_callback done);

  /// Queues a read of `target` for `POST /v1/read`; `done` runs once, on a
  /// client thread. Sent no earlier than the deadline (plus margin) of the
  /// last apply to `target` that got no answer, on a state-only endpoint.
  void read(endpoint::target_ref target, endpoint_callback done);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// The clients of one endpoints file: one per endpoint declared, shared by
/// the printers and services that use it.
class endpoint_set {
public:
  explicit endpoint_set(const config::endpoints_spec& spec,
                        std::shared_ptr<metrics::node_metrics> metrics
                        = nullptr);

  /// The endpoint of `customer`'s printers.
  endpoint_client& for_customer(const customer_id& customer);

  /// The endpoint of `service`; nullptr if the file names none.
  endpoint_client* for_service(const service_id& service);

private:
  std::shared_ptr<endpoint_client> printers_;
  std::map<std::string, std::shared_ptr<endpoint_client>> by_customer_;
  std::map<std::string, std::shared_ptr<endpoint_client>> services_;
};

} // namespace onset::actors
