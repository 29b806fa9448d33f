// Where onset-bench and onset-chaos find the programs they start: the
// variable's value when set (to compare builds), else the program beside
// the running one (an installed copy: /usr/bin), else this build's (a run
// from the build tree, where the programs live in different folders).
#pragma once

#include <string>

namespace onset::bench {

/// `$variable` if set and not empty; else `name` in the folder of the
/// running executable, if it is there; else `build_path`.
std::string program_path(const char* variable, const char* name,
                         const char* build_path);

} // namespace onset::bench
