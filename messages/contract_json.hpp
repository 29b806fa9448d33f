// Reading and writing contract documents (docs/contracts.md). Reading checks
// every rule of the document against the catalog and refuses, naming the
// field, at the first problem: nothing half-checked comes out.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "messages/catalog.hpp"
#include "messages/contract.hpp"
#include "messages/instruction.hpp"
#include "messages/outcome.hpp"

namespace onset {
inline namespace messages {

/// Parses and validates one contract document.
outcome<contract> parse_contract(std::string_view text, const catalog& cat);

/// Parses one contract document or a JSON array of them; a problem in the
/// n-th element is reported with the prefix `[n].`.
outcome<std::vector<contract>> parse_contracts(std::string_view text,
                                               const catalog& cat);

/// Validates an already parsed JSON value; fields are prefixed with `field`.
outcome<contract> contract_from_json(const nlohmann::json& x,
                                     const catalog& cat,
                                     const std::string& field = {});

/// Checks an already built contract (one that arrived over the wire) by the
/// same rules as a document; nullopt if it passes.
std::optional<invalid_input> check_contract(const contract& x,
                                            const catalog& cat);

/// The document form of `x` (the inverse of `contract_from_json`).
nlohmann::json to_json(const contract& x);

/// `{"name": value, ...}` with values in their JSON form.
nlohmann::json to_json(const settings& xs);

/// The step object of docs/cli.md: target, stream, kind, seq, device,
/// contract_version, and firmware, apps, settings where the step has them.
nlohmann::json to_json(const instruction& x);

nlohmann::json to_json(const setting_value& x);

} // namespace messages
} // namespace onset
