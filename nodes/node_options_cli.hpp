// The command-line options of `onset-node`, bound to a node_options.
#pragma once

#include <CLI/CLI.hpp>

#include "nodes/node_options.hpp"

namespace onset::nodes {

/// The environment variable that must be "1" for `--test-faults`.
constexpr const char* test_faults_switch = "ONSET_ENABLE_TEST_FAULTS";

/// Adds every option of `onset-node` to `app`, bound to `x` (whose current
/// values are the defaults shown by --help).
void add_node_options(CLI::App& app, node_options& x);

} // namespace onset::nodes
