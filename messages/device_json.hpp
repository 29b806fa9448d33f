// Reading and writing device records (docs/contracts.md, "Device records").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "messages/desired_state.hpp"
#include "messages/device_record.hpp"
#include "messages/outcome.hpp"

namespace onset {
inline namespace messages {

/// Parses one device record or a JSON array of them, refusing at the first
/// problem (a device id listed twice included).
outcome<std::vector<device_record>> parse_device_records(std::string_view text);

outcome<device_record> device_record_from_json(const nlohmann::json& x,
                                               const std::string& field = {});

/// Checks an already built record (one that arrived over the wire) by the
/// same rules as a document; fields are prefixed with `field`.
std::optional<invalid_input> check_device_record(const device_record& x,
                                                 const std::string& field);

nlohmann::json to_json(const device_record& x);

/// `{"devices": {id: {...}}, "services": {service: {device: {...}}}}`.
nlohmann::json to_json(const desired_state& x);

} // namespace messages
} // namespace onset
