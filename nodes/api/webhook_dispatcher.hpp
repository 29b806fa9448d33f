// Delivers the event feed to the webhook subscriptions of a gateway node
// (docs/events.md, "Webhooks"): one thread per subscription (never a CAF
// scheduler thread) reads the contracts nodes' feeds through the GATEWAY
// after the subscription's cursor and POSTs each event it wants, signed,
// in feed order, retrying one event with capped exponential backoff until
// a 2xx. Only then does the cursor move past it, durably: a kill at any
// moment loses no event, and repeats at most the one in flight (at least
// once). A dead or slow subscriber delays only its own thread: the feed
// is read, never pushed, so provisioning never waits for it.
// No CAF and no httplib in this header.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nodes/api/webhook_post.hpp"
#include "nodes/api/webhook_store.hpp"

namespace caf {
class actor;
class actor_system;
} // namespace caf

namespace onset::metrics {
class node_metrics;
} // namespace onset::metrics

namespace onset::api {

struct webhook_options {
  /// The wait after a failed POST, doubled after each further one...
  std::chrono::milliseconds first_backoff{1000};
  /// ...up to this.
  std::chrono::milliseconds max_backoff{60000};
  /// Failing this long without a 2xx marks a subscription `failing` (it
  /// is still retried).
  std::chrono::milliseconds failing_after{std::chrono::minutes{10}};
  /// How often an idle subscription reads the feed again.
  std::chrono::milliseconds idle_poll{250};
  /// How long one read of the feed waits for the GATEWAY.
  std::chrono::milliseconds feed_timeout{5000};
  webhook_post_options post;
};

/// A subscription as `GET /v1/webhooks` shows it.
struct webhook_status {
  webhook_subscription subscription;
  webhook_progress progress;
  /// Events in the feeds after the cursor (of every type: before the
  /// subscription's filter), as of its last read.
  uint64_t backlog = 0;
  /// POSTs failed since the last 2xx.
  uint64_t failed_attempts = 0;
  std::string last_error;
  int64_t last_error_ms = 0;
  /// Since when it is marked failing; 0: it is not.
  int64_t failing_since_ms = 0;
};

class webhook_dispatcher {
public:
  /// REQUIRES: `sys`, `gateway` (a gateway_actor), `store` and `metrics`
  /// (if any) outlive this.
  webhook_dispatcher(caf::actor_system& sys, const caf::actor& gateway,
                     webhook_store& store, webhook_options options,
                     metrics::node_metrics* metrics);
  ~webhook_dispatcher();

  webhook_dispatcher(const webhook_dispatcher&) = delete;
  webhook_dispatcher& operator=(const webhook_dispatcher&) = delete;

  /// Starts delivering every stored subscription; nothing on failure.
  persistence::status start();

  /// Stores `x` delivered up to `cursor`, and starts delivering it.
  persistence::status add(const webhook_subscription& x,
                          const std::string& cursor);

  /// Stops delivering `id` and removes it; false if there was none.
  persistence::result<bool> remove(const std::string& id);

  /// Every subscription, by id.
  persistence::result<std::vector<webhook_status>> list();

  persistence::result<std::optional<webhook_status>>
  find(const std::string& id);

  const webhook_options& options() const;

  /// Stops every delivery (one under way is cut off and repeated after the
  /// next start) and joins the threads. Safe to call twice.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace onset::api
