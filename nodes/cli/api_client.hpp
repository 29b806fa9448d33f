// The operator CLI's blocking client of a node's HTTP API (docs/api.md): the
// requests of gateway_client.hpp over HTTP(S), answered with the same
// `reply<T>`, so that the commands read both alike. Lists are read page by
// page until the last. Every request carries the timeout: a server that is
// down, frozen or gone mid-answer ends in a `failure` within it, never in a
// hang. An answer that is not what docs/api.md says is a failure naming
// what was wrong, never trusted. Keeps httplib and nlohmann/json out of this
// header.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/contract.hpp"
#include "messages/device_record.hpp"
#include "messages/history_entry.hpp"
#include "messages/instruction.hpp"
#include "messages/node_status.hpp"
#include "messages/views.hpp"
#include "nodes/cli/reply.hpp"

namespace onset::cli {

/// Where the API listens: `http://HOST[:PORT]` or `https://HOST[:PORT]`
/// (an IPv6 address in brackets), optionally ending in `/`.
struct server_url {
  bool https = false;
  std::string host;
  uint16_t port = 0;

  /// `http://HOST:PORT`, as the client connects to it.
  std::string to_string() const;
};

/// Parses `text` as a `server_url` (the port defaults to 80 or 443);
/// nullopt for anything else (another scheme, a path, a bad port).
std::optional<server_url> parse_server_url(std::string_view text);

struct api_client_options {
  server_url server;
  /// Sent as `Authorization: Bearer TOKEN`; empty: none (the API answers
  /// 401).
  std::string token;
  /// For https: the certificates (PEM) that the server's must chain to;
  /// empty: the system's.
  std::string cacert;
  std::chrono::milliseconds timeout{10000};
};

class api_client {
public:
  using duration = std::chrono::milliseconds;

  explicit api_client(api_client_options options);
  ~api_client();

  api_client(const api_client&) = delete;
  api_client& operator=(const api_client&) = delete;

  /// How long the connect and each following request wait.
  void set_timeout(duration timeout);

  reply<done> enroll(const std::vector<device_record>& records);
  reply<std::vector<device_record>> list_devices();
  reply<device_view> device(const device_id& id);
  reply<done> set_online(const device_id& id, bool online);
  /// `PATCH /v1/printers/{id}`: the fields given change (docs/api.md).
  reply<done> update_device(const device_id& id,
                            const std::optional<std::string>& model,
                            const std::optional<std::string>& customer);
  /// `DELETE /v1/printers/{id}`.
  reply<done> decommission(const device_id& id);

  /// New contracts and renewals, in order, in one request: the node checks
  /// every document before it submits the first.
  reply<std::vector<submit_result>> submit(const std::vector<contract>& docs);
  reply<done> start(const contract_id& id, const std::string& event_id);
  reply<done> cancel(const contract_id& id);
  reply<done> retry(const contract_id& id);

  reply<contract_view> contract_details(const contract_id& id);
  reply<std::vector<contract_summary>> list_contracts();
  reply<std::vector<history_entry>> history(const contract_id& id);
  /// The JSON text of `GET target` (a path with its query), checked to be
  /// JSON: for answers the caller reads itself (`onset events`).
  reply<std::string> get_json_text(const std::string& target);
  /// The JSON text of `method` (POST, DELETE) on `target` with `body` (JSON;
  /// none if null), checked to be JSON (`onset webhooks`).
  reply<std::string> send_json_text(const char* method,
                                    const std::string& target,
                                    const std::string* body);
  reply<std::vector<instruction>> plan(const contract_id& id);
  /// The steps `id` would send after a restart with the catalog in
  /// `catalog_text` (JSON, checked again by the node).
  reply<std::vector<instruction>> plan(const contract_id& id,
                                       const std::string& catalog_text);
  reply<service_view> service(const service_id& service,
                              const device_id& device);
  /// Every node of the cluster and its status (`onset cluster`).
  reply<std::vector<node_status>> nodes();
  /// The catalog document the node loaded (docs/catalog.md), as JSON text.
  reply<std::string> catalog_text();

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

/// `text` percent-encoded for a URL's path segment or query value.
std::string url_escaped(const std::string& text);

} // namespace onset::cli
