#include "nodes/api/json_body.hpp"

#include "messages/id_rules.hpp"
#include "messages/json_input.hpp"

namespace onset::api {

std::variant<nlohmann::json, api_response>
parse_json_body(std::string_view text) {
  if (json_input::json_nesting(text, max_json_depth) > max_json_depth)
    return error_response(400, "invalid_input", "body",
                          "body: nested deeper than "
                            + std::to_string(max_json_depth) + " levels");
  if (!valid_utf8(text))
    return error_response(400, "invalid_input", "body",
                          "body: not valid UTF-8");
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return error_response(400, "invalid_input", "body",
                          std::string{"body: not JSON: "} + e.what());
  }
}

std::variant<std::vector<nlohmann::json>, api_response>
parse_json_items(std::string_view text, size_t most, const std::string& noun,
                 bool& many) {
  auto parsed = parse_json_body(text);
  if (auto* problem = std::get_if<api_response>(&parsed))
    return std::move(*problem);
  auto& doc = std::get<nlohmann::json>(parsed);
  many = doc.is_array();
  if (many && doc.size() > most)
    return error_response(413, "too_large", "",
                          "more than " + std::to_string(most) + " " + noun
                            + "s in one request");
  if (many && doc.empty())
    return error_response(422, "invalid_input", "", "no " + noun);
  if (!many)
    return std::vector<nlohmann::json>{std::move(doc)};
  return doc.get<std::vector<nlohmann::json>>();
}

} // namespace onset::api
