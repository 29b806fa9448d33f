// A blocking client of the GATEWAY (actors/protocol.hpp, gateway_actor): the
// HTTP API's, in its node's process (`local`), and the benchmarks', over
// the GATEWAY's loopback CAF port (`connect`). The connect and every request
// carry a timeout, so a gateway that is down, or a peer that never answers,
// ends in a `failure` within that time and never in a hang. Keeps CAF out of
// this header: only gateway_client.cpp compiles against the actor system.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "messages/contract.hpp"
#include "messages/contract_event.hpp"
#include "messages/device_record.hpp"
#include "messages/history_entry.hpp"
#include "messages/instruction.hpp"
#include "messages/node_status.hpp"
#include "messages/views.hpp"
#include "nodes/cli/endpoint.hpp"
#include "nodes/cli/reply.hpp"

namespace caf {
class actor;
class actor_system;
} // namespace caf

namespace onset::cli {

class gateway_client {
public:
  using duration = std::chrono::milliseconds;

  /// Connects to the gateway at `where`, waiting at most `timeout`.
  static reply<std::unique_ptr<gateway_client>> connect(const endpoint& where,
                                                        duration timeout);

  /// A client of the gateway actor `gw` of this process's `sys` (the HTTP
  /// API's): no connection, requests go straight to the actor. Each client
  /// serves one thread at a time; `sys` must outlive it.
  /// REQUIRES: `gw` is a gateway_actor.
  static std::unique_ptr<gateway_client>
  local(caf::actor_system& sys, const caf::actor& gw, duration timeout);

  ~gateway_client();

  gateway_client(const gateway_client&) = delete;
  gateway_client& operator=(const gateway_client&) = delete;

  /// How long each following request waits for its reply.
  void set_timeout(duration timeout);

  /// Who the following changes are recorded as made by (a token's name,
  /// messages/requester.hpp); none by default.
  void set_requester(std::string name);

  reply<done> enroll(std::vector<device_record> records);
  reply<std::vector<device_record>> list_devices();
  reply<device_view> device(const device_id& id);
  reply<done> set_online(const device_id& id, bool online);
  /// Changes a printer's model or customer from `before` to `after`;
  /// refused while a contract that has not ended names it.
  reply<done> update_device(device_record before, device_record after);
  /// Decommissions the printer registered as `before`; refused as an update.
  reply<done> decommission(device_record before);

  /// New contracts and renewals, in order; every document is checked by the
  /// gateway before the first is submitted.
  reply<std::vector<submit_result>> submit(std::vector<contract> docs);
  reply<done> start(const contract_id& id, const std::string& event_id);
  reply<done> cancel(const contract_id& id);
  reply<done> retry(const contract_id& id);

  reply<contract_view> contract_details(const contract_id& id);
  reply<std::vector<contract_summary>> list_contracts();
  /// Every contract naming printer `device`.
  reply<std::vector<contract_summary>>
  contracts_naming(const device_id& device);
  reply<std::vector<history_entry>> history(const contract_id& id);
  /// Every contracts node's feed after `cursor` (messages/contract_event.hpp).
  reply<std::vector<event_page>> feed(std::vector<event_page> cursor,
                                      uint64_t limit);
  reply<std::vector<instruction>> plan(const contract_id& id);
  /// The steps `id` would send after a restart with the catalog in
  /// `catalog_text` (JSON, checked again by the node).
  reply<std::vector<instruction>> plan(const contract_id& id,
                                       const std::string& catalog_text);
  reply<service_view> service(const service_id& service,
                              const device_id& device);
  /// Every node of the cluster and its status (`onset cluster`).
  reply<std::vector<node_status>> nodes();

  struct impl;

private:
  explicit gateway_client(std::unique_ptr<impl> self);

  std::unique_ptr<impl> impl_;
};

} // namespace onset::cli
