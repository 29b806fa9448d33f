// Where a benchmark writes: the directory its user named, or a fresh one
// under /var/tmp (a real disk, not tmpfs) that is removed afterwards.
#pragma once

#include <functional>
#include <string>

namespace onset::bench {

/// Runs `body` with `dir`; when `dir` is empty, with a fresh directory
/// `/var/tmp/PREFIX-XXXXXX`, removed after `body` returns. Returns what
/// `body` returns, or 1 (with a message on stderr) if no directory could be
/// made.
int with_work_dir(const std::string& dir, const std::string& prefix,
                  const std::function<int(const std::string&)>& body);

} // namespace onset::bench
