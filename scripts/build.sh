#!/usr/bin/env bash
# Configures and builds Onset into ./build (or $ONSET_BUILD_DIR), installing
# missing Debian packages first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${ONSET_BUILD_DIR:-$root/build}
"$root/scripts/install-deps.sh"
# Ninja for a new build directory: it compiles every translation unit as
# soon as the headers it needs exist, where make waits until each target's
# dependencies are built, leaving a core idle at the end of each library.
# An existing build directory keeps the generator it was configured with.
generator=()
if [ ! -f "$build/CMakeCache.txt" ] && command -v ninja >/dev/null; then
  generator=(-G Ninja)
fi
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc)" "$@"
