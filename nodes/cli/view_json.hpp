// The `--json` forms of what the GATEWAY answers, as docs/cli.md documents
// them field by field, and as the HTTP API (docs/api.md) answers them.
// Enumerations are written as their operator-facing names (`active`,
// `prepare`, `device/MFP-0001`). Reading them back (`*_from_json`, for the
// CLI's HTTP client) checks each member's presence and type and refuses
// anything else, naming the member: an answer is never trusted blindly.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "messages/history_entry.hpp"
#include "messages/instruction.hpp"
#include "messages/node_status.hpp"
#include "messages/outcome.hpp"
#include "messages/views.hpp"

namespace onset::cli {

/// `{"stream", "contract", "target", "seq"}`.
nlohmann::json to_json(const stream_watermark& x);

/// `{"id", "customer", "model", "registered_firmware", "firmware", "apps",
/// "settings", "online", "applied"}`.
nlohmann::json to_json(const device_view& x);

/// `{"service", "device", "registered", "active", "settings", "applied"}`.
nlohmann::json to_json(const service_view& x);

/// `{"id", "version", "customer", "state", "reason", "steps_acked",
/// "steps_total"}`.
nlohmann::json to_json(const contract_summary& x);

/// The instruction's fields plus `"state": "sent"|"acked"`.
nlohmann::json to_json(const step_view& x);
nlohmann::json to_json(const device_progress& x);

/// The summary's fields plus `"contract"` (the document) and `"steps"`.
nlohmann::json to_json(const contract_view& x);

/// `{"at", "kind", "detail"}`.
nlohmann::json to_json(const history_entry& x);

/// `{"id", "version", "result"}` with result `accepted`, `renewal` or
/// `duplicate`.
nlohmann::json to_json(const submit_result& x);

/// `accepted`, `renewal` or `duplicate`.
const char* outcome_name(const submit_result& x);

/// `{"name", "address", "roles", "reachable", "contracts", "devices",
/// "peers", "peers_up"}`.
nlohmann::json to_json(const node_status& x);

// The inverses of the `to_json` above; `field` prefixes the members named
// in a refusal. A contract document is read by its form only (no catalog):
// the node checked it, and the catalog it was checked with may have changed.

outcome<device_view> device_view_from_json(const nlohmann::json& x,
                                           const std::string& field = {});
outcome<service_view> service_view_from_json(const nlohmann::json& x,
                                             const std::string& field = {});
outcome<contract_summary>
contract_summary_from_json(const nlohmann::json& x,
                           const std::string& field = {});
outcome<contract_view> contract_view_from_json(const nlohmann::json& x,
                                               const std::string& field = {});
outcome<history_entry> history_entry_from_json(const nlohmann::json& x,
                                               const std::string& field = {});
outcome<submit_result> submit_result_from_json(const nlohmann::json& x,
                                               const std::string& field = {});
/// A step object of docs/cli.md (without `state`).
outcome<instruction> instruction_from_json(const nlohmann::json& x,
                                           const std::string& field = {});
outcome<node_status> node_status_from_json(const nlohmann::json& x,
                                           const std::string& field = {});

} // namespace onset::cli
