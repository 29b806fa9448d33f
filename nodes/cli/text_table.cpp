#include "nodes/cli/text_table.hpp"

#include <algorithm>

namespace onset::cli {

text_table::text_table(std::vector<std::string> header) {
  rows_.push_back(std::move(header));
}

void text_table::add(std::vector<std::string> row) {
  rows_.push_back(std::move(row));
}

void text_table::print(std::ostream& out) const {
  std::vector<size_t> width(rows_.front().size(), 0);
  for (auto& row : rows_)
    for (size_t i = 0; i < row.size(); ++i)
      width[i] = std::max(width[i], row[i].size());
  for (auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) {
      out << row[i];
      if (i + 1 < row.size())
        out << std::string(width[i] - row[i].size() + 2, ' ');
    }
    out << '\n';
  }
}

} // namespace onset::cli
