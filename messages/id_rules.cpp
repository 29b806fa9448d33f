#include "messages/id_rules.hpp"

#include <nlohmann/json.hpp>

namespace onset {
inline namespace messages {

bool valid_utf8(std::string_view value) {
  try {
    nlohmann::json{std::string{value}}.dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

namespace {

/// The first control character's offset, if any: C0 and DEL as single
/// bytes, C1 (U+0080..U+009F) as its UTF-8 form C2 80..C2 9F.
std::optional<size_t> control_at(std::string_view value) {
  for (size_t i = 0; i < value.size(); ++i) {
    auto c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c == 0x7f)
      return i;
    if (c == 0xc2 && i + 1 < value.size()) {
      auto next = static_cast<unsigned char>(value[i + 1]);
      if (next >= 0x80 && next <= 0x9f)
        return i;
    }
  }
  return std::nullopt;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
         || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

} // namespace

std::optional<invalid_input> check_id(std::string_view value,
                                      const std::string& field) {
  if (value.empty())
    return invalid_input{field, "must not be empty"};
  if (value.size() > max_id_bytes)
    return invalid_input{field, "is " + std::to_string(value.size())
                                  + " bytes long; ids are at most "
                                  + std::to_string(max_id_bytes) + " bytes"};
  if (!valid_utf8(value))
    return invalid_input{field, "is not valid UTF-8"};
  if (auto at = control_at(value))
    return invalid_input{field, "holds a control character at byte "
                                  + std::to_string(*at)};
  return std::nullopt;
}

std::optional<invalid_input> check_name(std::string_view value,
                                        const std::string& field) {
  if (value.empty() || value.size() > max_name_bytes)
    return invalid_input{
      field, "a name has 1 to " + std::to_string(max_name_bytes)
               + " characters (got " + std::to_string(value.size()) + ")"};
  for (char c : value)
    if (!is_name_char(c))
      return invalid_input{field,
                           "a name is letters, digits, '.', '_' and '-'"};
  return std::nullopt;
}

} // namespace messages
} // namespace onset
