// The `--json` forms of what the GATEWAY answers, as docs/cli.md documents
// them field by field. Enumerations are written as their operator-facing
// names (`active`, `prepare`, `device/MFP-0001`).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "messages/history_entry.hpp"
#include "messages/instruction.hpp"
#include "messages/node_status.hpp"
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

} // namespace onset::cli
