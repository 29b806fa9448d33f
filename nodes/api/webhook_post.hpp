// One subscriber's end of the webhooks (docs/events.md, "Webhooks"): its
// URL, the signature of a body, and the POST of one event, which always
// ends within its timeouts in an answer saying whether the event was
// delivered. No httplib in this header.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>

namespace onset::api {

struct webhook_url {
  bool https = false;
  std::string host;
  uint16_t port = 0;
  /// From its `/`, with the query if any; `/` when the URL has none.
  std::string path;

  /// `http://HOST:PORT`.
  std::string origin() const;
};

/// `http(s)://HOST[:PORT][/PATH]` (an IPv6 host in brackets; no user
/// information, no fragment); else why not, naming the field `url`.
std::variant<webhook_url, std::string> parse_webhook_url(const std::string& x);

/// `sha256=` and the lower-case hex HMAC-SHA256 of `body` under `secret`
/// (OpenSSL's HMAC): the `X-Onset-Signature` header.
std::string webhook_signature(const std::string& secret,
                              const std::string& body);

struct webhook_post_options {
  std::chrono::milliseconds connect_timeout{5000};
  /// How long the subscriber may take to answer (and each read after).
  std::chrono::milliseconds read_timeout{10000};
  /// The most of an answer's body read; the rest is dropped unread.
  size_t max_answer = size_t{64} << 10;
};

struct webhook_answer {
  /// A 2xx came back.
  bool delivered = false;
  /// The HTTP status; 0 when none came.
  int status = 0;
  /// Why it was not delivered (`HTTP 500: ...`, `redirect to ... not
  /// followed`, `Connection`, `SSLServerVerification`, ...).
  std::string error;
};

/// POSTs events to one subscriber, over one kept-alive connection.
/// Not thread-safe, but `stop` may be called from any thread.
class webhook_poster {
public:
  /// `ca_file` (https only): the CA certificates the subscriber's must
  /// chain to; empty: the system's store.
  webhook_poster(const webhook_url& url, const std::string& ca_file,
                 webhook_post_options options);
  ~webhook_poster();

  webhook_poster(const webhook_poster&) = delete;
  webhook_poster& operator=(const webhook_poster&) = delete;

  /// POSTs `body` (JSON) with `X-Onset-Event-Id: event_id`,
  /// `X-Onset-Event-Type: type` and `X-Onset-Signature: signature`.
  webhook_answer post(const std::string& event_id, const std::string& type,
                      const std::string& body, const std::string& signature);

  /// Ends a `post` under way (it answers not delivered) and closes the
  /// connection.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace onset::api
