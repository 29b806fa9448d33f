#include "nodes/cli/output.hpp"

#include <iostream>

#include <nlohmann/json.hpp>

#include "nodes/cli/exit_code.hpp"
#include "nodes/cli/read_file.hpp"

namespace onset::cli {

void print_json(const nlohmann::json& x) {
  std::cout << x.dump(2) << '\n';
}

std::string join(const std::vector<std::string>& xs) {
  if (xs.empty())
    return "-";
  std::string result;
  for (auto& x : xs)
    result += (result.empty() ? "" : ",") + x;
  return result;
}

std::string join(const settings& xs) {
  if (xs.empty())
    return "-";
  std::string result;
  for (auto& [name, value] : xs)
    result += (result.empty() ? "" : " ") + name + "=" + value.to_text();
  return result;
}

int refuse_input(const invalid_input& problem) {
  std::cerr << "onset: refused: invalid_input: " << problem.to_string() << '\n';
  return exit_refused;
}

bool read_input(const std::string& file, std::string& text) {
  auto content = read_file(file);
  if (!content) {
    std::cerr << "onset: " << file << ": cannot be read\n";
    return false;
  }
  text = std::move(*content);
  return true;
}

} // namespace onset::cli
