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

/// The environment variable that sets `option` ("--data-dir"):
/// ONSET_DATA_DIR, the name in capitals with "_" for "-"; "--node" is
/// ONSET_NODE_NAME (ONSET_NODE names the onset-node binary for the
/// local-cluster tools).
std::string environment_variable(const std::string& option);

/// Adds `--config FILE` to `app` and gives every option added so far its
/// environment_variable(). FILE is TOML whose keys are the options without
/// "--" (deploy/onset-node.example.toml). A value comes from, first found:
/// the command line, the environment, FILE, the default. A key of FILE that
/// is no option of `app` (or a [section]) is refused with a CLI::ConfigError
/// naming it. Returns the `--config` option.
CLI::Option* add_config_sources(CLI::App& app);

} // namespace onset::nodes
