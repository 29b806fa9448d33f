// A one-line progress bar on a stream (stderr): redrawn in place on a
// terminal; elsewhere (a log, a pipe) one line per change, so that captured
// output stays readable.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace onset::cli {

class progress_bar {
public:
  /// `in_place`: redraw with carriage returns (true for a terminal).
  progress_bar(std::ostream& out, bool in_place);

  /// Shows `done` of `total` and a note after the bar.
  void update(uint64_t done, uint64_t total, const std::string& note);

  /// Ends the bar's line, if one is open. Idempotent.
  void finish();

private:
  std::ostream& out_;
  bool in_place_;
  bool open_ = false;
  std::string last_;
};

} // namespace onset::cli
