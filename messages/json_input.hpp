// Shared pieces for reading operator JSON documents (contracts, device
// records, the catalog): parsing with clear errors, and typed field access
// whose errors name the JSON path of the field.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "messages/outcome.hpp"
#include "messages/setting_value.hpp"

namespace onset::json_input {

using json = nlohmann::json;

/// Parses `text`; refuses non-JSON and trailing garbage with the field
/// `document` and the byte offset.
outcome<json> parse_document(std::string_view text);

/// The deepest nesting of arrays and objects in the JSON text `text`,
/// strings skipped; stops counting once past `limit`. Checked before parsing
/// text from outside, so that no parse recurses without bound.
size_t json_nesting(std::string_view text, size_t limit);

/// `parent.key`, or `key` at the top.
std::string path(const std::string& parent, const std::string& key);

/// `parent[index]`.
std::string path(const std::string& parent, size_t index);

/// The JSON type of `x` as operators read it ("string", "number", ...).
std::string type_name(const json& x);

/// Refuses `x` unless it is an object whose keys are all in `known`.
std::optional<invalid_input>
check_object(const json& x, const std::string& field,
             std::initializer_list<std::string_view> known);

/// Reads a required non-empty string member.
outcome<std::string> required_string(const json& obj, const std::string& parent,
                                     const char* key);

/// Reads an optional string member; empty when absent.
outcome<std::string> optional_string(const json& obj, const std::string& parent,
                                     const char* key);

/// Reads a required id (messages/id_rules.hpp).
outcome<std::string> required_id(const json& obj, const std::string& parent,
                                 const char* key);

/// Reads an optional id; empty when absent.
outcome<std::string> optional_id(const json& obj, const std::string& parent,
                                 const char* key);

/// Reads a required whole number in [min, max].
outcome<int64_t> required_integer(const json& obj, const std::string& parent,
                                  const char* key, int64_t min, int64_t max);

/// Reads an optional boolean member; `fallback` when absent.
outcome<bool> optional_bool(const json& obj, const std::string& parent,
                            const char* key, bool fallback);

/// Reads an array of non-empty, distinct strings (`allow_empty` says whether
/// `[]` is fine). Absent counts as `[]` when `required` is false.
outcome<std::vector<std::string>>
string_array(const json& obj, const std::string& parent, const char* key,
             bool required, bool allow_empty);

/// Converts a JSON value to a setting value by its JSON type: boolean ->
/// bool, whole number -> int, string -> enum, array of distinct strings ->
/// set. Anything else is refused, naming `field`.
outcome<setting_value> to_setting_value(const json& x,
                                        const std::string& field);

} // namespace onset::json_input
