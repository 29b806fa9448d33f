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
ctest --output-on-failure -j "$(nproc)"
