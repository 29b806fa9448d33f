// Left-aligned text columns for the CLI's tables, two spaces apart.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace onset::cli {

class text_table {
public:
  explicit text_table(std::vector<std::string> header);

  /// REQUIRES: `row` has as many cells as the header.
  void add(std::vector<std::string> row);

  /// Prints the header and the rows; the last column is not padded.
  void print(std::ostream& out) const;

private:
  std::vector<std::vector<std::string>> rows_;
};

} // namespace onset::cli
