// `onset-node inspect`: reads a stopped node's data directory and reports,
// from the receivers' own ledger, how often each instruction's effect was
// applied. The evidence behind "exactly once, in order, no gaps".
#pragma once

#include <string>

namespace onset {

struct inspect_options {
  std::string data_dir = "onset-data";
  bool json = false;
  /// Also list every stream.
  bool verbose = false;
};

/// Exit code: 0 when every effect was applied once and every stream's
/// applied seqs are 1..watermark without gaps; 1 when not (the report says
/// where); 2 when the data directory cannot be read.
int run_inspect(const inspect_options& options);

} // namespace onset
