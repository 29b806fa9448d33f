#!/usr/bin/env bash
# The README's test command: installs what is missing, checks the format,
# configures, builds and runs every test suite.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${ONSET_BUILD_DIR:-$root/build}
"$root/scripts/install-deps.sh"
"$root/scripts/check-format.sh"
"$root/scripts/build.sh"
cd "$build"
# Two slots more than cores: the two chaos runs (chaos.bounded, chaos.fleet)
# mostly wait (a few CPU seconds in 80 s each) and start first; the other
# tests share the cores beside them.
ctest --output-on-failure -j "$(($(nproc) + 2))"
