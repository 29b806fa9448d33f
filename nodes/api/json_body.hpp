// Reading a request body as JSON without trusting it: a nesting deeper
// than `max_json_depth` is refused before parsing (the parser recurses),
// malformed JSON and invalid UTF-8 are refused with 400 naming `body`.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "nodes/api/api_types.hpp"

namespace onset::api {

constexpr size_t max_json_depth = 32;

std::variant<nlohmann::json, api_response>
parse_json_body(std::string_view text);

/// The items of a body that is one object or an array of at most `most`
/// (`noun`: what an item is, for the refusals: 413 over the limit, 422 for
/// an empty array). `many`: whether it was an array, so that item fields
/// are named `[i].`.
std::variant<std::vector<nlohmann::json>, api_response>
parse_json_items(std::string_view text, size_t most, const std::string& noun,
                 bool& many);

} // namespace onset::api
