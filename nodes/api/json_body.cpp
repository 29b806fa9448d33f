#include "nodes/api/json_body.hpp"

#include "messages/id_rules.hpp"

namespace onset::api {

namespace {

/// The deepest nesting of arrays and objects in `text`, strings skipped;
/// stops counting past `limit`.
size_t nesting(std::string_view text, size_t limit) {
  size_t depth = 0;
  size_t deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit)
        return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

} // namespace

std::variant<nlohmann::json, api_response>
parse_json_body(std::string_view text) {
  if (nesting(text, max_json_depth) > max_json_depth)
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
