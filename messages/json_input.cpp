#include "messages/json_input.hpp"

#include <algorithm>
#include <limits>
#include <sstream>

#include "messages/id_rules.hpp"

namespace onset::json_input {

size_t json_nesting(std::string_view text, size_t limit) {
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

outcome<json> parse_document(std::string_view text) {
  // Reading from a stream parses one value and stops, which tells a document
  // with trailing characters apart from one that is not JSON at all.
  std::istringstream in{std::string{text}};
  json result;
  try {
    in >> result;
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    auto detail = what.find(": ") == std::string::npos
                    ? what
                    : what.substr(what.find(": ") + 2);
    return invalid_input{"document", "not valid JSON at byte "
                                       + std::to_string(e.byte) + " (" + detail
                                       + ")"};
  }
  auto consumed = static_cast<size_t>(in.tellg());
  auto rest = text.substr(std::min(consumed, text.size()));
  auto garbage = rest.find_first_not_of(" \t\r\n");
  if (garbage != std::string_view::npos)
    return invalid_input{"document",
                         "trailing characters after the JSON "
                         "value at byte "
                           + std::to_string(consumed + garbage + 1)};
  return result;
}

std::string path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string path(const std::string& parent, size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

std::string type_name(const json& x) {
  switch (x.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "a whole number";
    case json::value_t::number_float:
      return "a fractional number";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    default:
      return "an unsupported value";
  }
}

std::optional<invalid_input>
check_object(const json& x, const std::string& field,
             std::initializer_list<std::string_view> known) {
  if (!x.is_object())
    return invalid_input{field.empty() ? "document" : field,
                         "must be a JSON object, not " + type_name(x)};
  for (auto& [key, value] : x.items())
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string names;
      for (auto k : known)
        names += (names.empty() ? "" : ", ") + std::string{k};
      return invalid_input{path(field, key),
                           "unknown field (known: " + names + ")"};
    }
  return std::nullopt;
}

outcome<std::string> required_string(const json& obj, const std::string& parent,
                                     const char* key) {
  auto field = path(parent, key);
  auto i = obj.find(key);
  if (i == obj.end())
    return invalid_input{field, "is missing"};
  if (!i->is_string())
    return invalid_input{field, "must be a string, not " + type_name(*i)};
  auto value = i->get<std::string>();
  if (value.empty())
    return invalid_input{field, "must not be empty"};
  return value;
}

outcome<std::string> optional_string(const json& obj, const std::string& parent,
                                     const char* key) {
  auto i = obj.find(key);
  if (i == obj.end())
    return std::string{};
  return required_string(obj, parent, key);
}

outcome<std::string> required_id(const json& obj, const std::string& parent,
                                 const char* key) {
  auto value = required_string(obj, parent, key);
  if (!value)
    return value;
  if (auto problem = check_id(value.value(), path(parent, key)))
    return *problem;
  return value;
}

outcome<std::string> optional_id(const json& obj, const std::string& parent,
                                 const char* key) {
  auto i = obj.find(key);
  if (i == obj.end())
    return std::string{};
  return required_id(obj, parent, key);
}

outcome<int64_t> required_integer(const json& obj, const std::string& parent,
                                  const char* key, int64_t min, int64_t max) {
  auto field = path(parent, key);
  auto i = obj.find(key);
  if (i == obj.end())
    return invalid_input{field, "is missing"};
  if (i->is_number_unsigned()) {
    auto value = i->get<uint64_t>();
    if (min > 0 && value < static_cast<uint64_t>(min))
      return invalid_input{field, "must be at least " + std::to_string(min)};
    if (value > static_cast<uint64_t>(max))
      return invalid_input{field, "must be at most " + std::to_string(max)};
    return static_cast<int64_t>(value);
  }
  if (!i->is_number_integer())
    return invalid_input{field, "must be a whole number, not " + type_name(*i)};
  auto value = i->get<int64_t>();
  if (value < min)
    return invalid_input{field, "must be at least " + std::to_string(min)};
  if (value > max)
    return invalid_input{field, "must be at most " + std::to_string(max)};
  return value;
}

outcome<bool> optional_bool(const json& obj, const std::string& parent,
                            const char* key, bool fallback) {
  auto i = obj.find(key);
  if (i == obj.end())
    return fallback;
  if (!i->is_boolean())
    return invalid_input{path(parent, key),
                         "must be true or false, not " + type_name(*i)};
  return i->get<bool>();
}

outcome<std::vector<std::string>>
string_array(const json& obj, const std::string& parent, const char* key,
             bool required, bool allow_empty) {
  auto field = path(parent, key);
  auto i = obj.find(key);
  if (i == obj.end()) {
    if (required)
      return invalid_input{field, "is missing"};
    return std::vector<std::string>{};
  }
  if (!i->is_array())
    return invalid_input{field,
                         "must be an array of strings, not " + type_name(*i)};
  if (i->empty() && !allow_empty)
    return invalid_input{field, "must not be empty"};
  std::vector<std::string> result;
  for (size_t n = 0; n < i->size(); ++n) {
    auto& element = (*i)[n];
    auto element_field = path(field, n);
    if (!element.is_string())
      return invalid_input{element_field,
                           "must be a string, not " + type_name(element)};
    auto value = element.get<std::string>();
    if (value.empty())
      return invalid_input{element_field, "must not be empty"};
    if (std::find(result.begin(), result.end(), value) != result.end())
      return invalid_input{element_field, "duplicate '" + value + "'"};
    result.push_back(std::move(value));
  }
  return result;
}

outcome<setting_value> to_setting_value(const json& x,
                                        const std::string& field) {
  if (x.is_boolean())
    return setting_value::of_flag(x.get<bool>());
  if (x.is_number_unsigned()) {
    auto value = x.get<uint64_t>();
    if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return invalid_input{field, "number too large"};
    return setting_value::of_number(static_cast<int64_t>(value));
  }
  if (x.is_number_integer())
    return setting_value::of_number(x.get<int64_t>());
  if (x.is_string())
    return setting_value::of_word(x.get<std::string>());
  if (x.is_array()) {
    std::vector<std::string> words;
    for (size_t n = 0; n < x.size(); ++n) {
      if (!x[n].is_string())
        return invalid_input{path(field, n),
                             "must be a string, not " + type_name(x[n])};
      auto word = x[n].get<std::string>();
      if (std::find(words.begin(), words.end(), word) != words.end())
        return invalid_input{path(field, n), "duplicate '" + word + "'"};
      words.push_back(std::move(word));
    }
    return setting_value::of_words(std::move(words));
  }
  return invalid_input{field, "must be a boolean, whole number, string or "
                              "array of strings, not "
                                + type_name(x)};
}

} // namespace onset::json_input
