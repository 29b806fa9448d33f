// onset-chaos's client of the GATEWAY (actors/protocol.hpp): one actor
// system for the whole run, one connection that is dropped on any failure
// other than the gateway's own refusal and made again at the next request
// (the gateway node dies and comes back on the same port). Replies are CAF
// errors, so that the caller reacts to Onset's typed codes
// (`is(err, error_code::stale_version)`), never to their text.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "messages/contract.hpp"
#include "messages/device_record.hpp"
#include "messages/node_status.hpp"
#include "messages/views.hpp"
#include "nodes/cli/endpoint.hpp"

namespace onset::bench {

class chaos_client {
public:
  chaos_client();
  ~chaos_client();

  chaos_client(const chaos_client&) = delete;
  chaos_client& operator=(const chaos_client&) = delete;

  /// Talks to the gateway at `where` from now on.
  void use(const cli::endpoint& where);

  /// Each waits at most the connect timeout plus the request timeout; an
  /// empty error means done.
  caf::error enroll(std::vector<device_record> records);
  caf::error set_online(const device_id& id, bool online);
  caf::error submit(std::vector<contract> docs);
  caf::error cancel(const contract_id& id);
  caf::expected<std::vector<contract_summary>> list_contracts();
  caf::expected<std::vector<node_status>> cluster_status();

  /// The text of `err` for a message (never for a decision).
  std::string render(const caf::error& err) const;

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace onset::bench
