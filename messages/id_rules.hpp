// What an id (contract, customer, printer, event) may be. Ids become parts
// of LMDB keys (at most 511 bytes), log fields and command-line arguments,
// so the gateway refuses any other before anything is stored.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "messages/outcome.hpp"

namespace onset {
inline namespace messages {

/// The longest id in bytes (UTF-8).
constexpr size_t max_id_bytes = 128;

/// True if `value` is valid UTF-8, by nlohmann's strict serializer (it
/// throws type_error 316 on an invalid sequence).
bool valid_utf8(std::string_view value);

/// Refuses, naming `field`, an id that is empty, longer than `max_id_bytes`,
/// not valid UTF-8, or holds a control character (C0, DEL or C1).
std::optional<invalid_input> check_id(std::string_view value,
                                      const std::string& field);

/// The longest name of a token or requester, in bytes.
constexpr size_t max_name_bytes = 64;

/// Refuses, naming `field`, a name (of an API token, of the requester of a
/// change) that is empty, longer than `max_name_bytes`, or holds anything
/// but ASCII letters, digits, '.', '_' and '-': names end up in history
/// lines as `by=NAME` and in file names.
std::optional<invalid_input> check_name(std::string_view value,
                                        const std::string& field);

} // namespace messages
} // namespace onset
