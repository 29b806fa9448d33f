// The webhook subscriptions of a gateway node (docs/events.md, "Webhooks")
// and how far each has been delivered, in their own LMDB environment in the
// node's data directory (`DATA_DIR/webhooks`, mode 0700; its files 0600:
// the subscriptions' secrets are stored as given, since every delivery is
// signed with them).
//
// Layout (database `meta`), values JSON:
//   "webhook/sub/" ID      -> {url, events, customer, secret, ca_file,
//                              created_by, created_ms}
//   "webhook/progress/" ID -> {cursor, delivered, last_success_ms}
//
// No CAF and no httplib in this header.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "persistence/environment.hpp"
#include "persistence/status.hpp"

namespace onset::api {

struct webhook_subscription {
  /// `wh_` and 16 hex digits, random.
  std::string id;
  /// `http://` or `https://` HOST[:PORT][/PATH]: where events are POSTed.
  std::string url;
  /// The event types delivered (docs/events.md); empty: every type.
  std::vector<std::string> events;
  /// Only this customer's events; empty: every customer's.
  std::string customer;
  /// The HMAC-SHA256 key of `X-Onset-Signature`.
  std::string secret;
  /// For https: the CA certificates (PEM) the subscriber's must chain to;
  /// empty: the system's CA store.
  std::string ca_file;
  /// The name of the token that made it.
  std::string created_by;
  /// Milliseconds since the Unix epoch.
  int64_t created_ms = 0;

  /// Whether an event of `type` for `customer_of_event` is delivered.
  bool wants(const std::string& type,
             const std::string& customer_of_event) const;
};

/// How far a subscription has been delivered: every event it wants before
/// `cursor` (the feed's cursor text, nodes/api/event_json.hpp) was answered
/// with a 2xx.
struct webhook_progress {
  std::string cursor;
  uint64_t delivered = 0;
  int64_t last_success_ms = 0;
};

/// The event types a subscription may name (docs/events.md).
const std::vector<std::string>& webhook_event_types();

/// Why `x` cannot be a subscription, naming the field (`url`, `events[i]`,
/// `customer`, `secret`, `ca_file`); nullopt if it can.
std::optional<std::string> check_subscription(const webhook_subscription& x);

class webhook_store {
public:
  /// Opens (creating) the store in `directory`, which must exist with mode
  /// 0700 (token_command.hpp, make_private_directory).
  static persistence::result<std::unique_ptr<webhook_store>>
  open(const std::string& directory);

  /// Stores `x`, delivered up to `cursor`. `invalid_input` naming the
  /// field if `check_subscription` refuses it; nothing stored then.
  persistence::status add(const webhook_subscription& x,
                          const std::string& cursor);

  /// Every subscription, by id.
  persistence::result<std::vector<webhook_subscription>> list();

  persistence::result<std::optional<webhook_subscription>>
  find(const std::string& id);

  /// Removes `id` and its progress; false if there was none.
  persistence::result<bool> remove(const std::string& id);

  /// `id`'s progress; nullopt once `id` is removed.
  persistence::result<std::optional<webhook_progress>>
  progress(const std::string& id);

  /// Records `id`'s progress, in one transaction; nothing if `id` was
  /// removed meanwhile.
  persistence::status save_progress(const std::string& id,
                                    const webhook_progress& x);

private:
  explicit webhook_store(std::unique_ptr<persistence::environment> env);

  std::unique_ptr<persistence::environment> env_;
};

/// The webhooks directory of data directory `data_dir`.
std::string webhooks_directory(const std::string& data_dir);

/// A new subscription id: `wh_` and 16 random hex digits.
std::string new_webhook_id();

} // namespace onset::api
