// Small helpers shared by the commands' text and JSON output.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "messages/outcome.hpp"
#include "messages/setting_value.hpp"

namespace onset::cli {

/// Prints `x` to stdout, indented, with a final newline.
void print_json(const nlohmann::json& x);

/// `a,b,c`, or `-` when empty.
std::string join(const std::vector<std::string>& xs);

/// `name=value name=value`, or `-` when empty.
std::string join(const settings& xs);

/// Prints `onset: refused: invalid_input: FIELD: REASON` (input refused
/// before anything was sent) and returns exit code 1.
int refuse_input(const invalid_input& problem);

/// Reads `file` into `text`, or prints why it cannot and returns false
/// (the caller exits with code 1).
bool read_input(const std::string& file, std::string& text);

} // namespace onset::cli
