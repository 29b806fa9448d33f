// Reading a request body as JSON without trusting it: a nesting deeper
// than `max_json_depth` is refused before parsing (the parser recurses),
// malformed JSON and invalid UTF-8 are refused with 400 naming `body`.
#pragma once

#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "nodes/api/api_types.hpp"

namespace onset::api {

constexpr size_t max_json_depth = 32;

std::variant<nlohmann::json, api_response>
parse_json_body(std::string_view text);

} // namespace onset::api
