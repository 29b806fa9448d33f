#!/usr/bin/env bash
# Fails, naming the files, when a tracked C++ file differs from .clang-format.
# Untracked files are checked too when they are C++ sources in the tree, so a
# new file cannot slip past before it is committed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mapfile -t files < <(git ls-files --cached --others --exclude-standard \
  '*.cpp' '*.hpp' | while read -r f; do [ -f "$f" ] && echo "$f"; done)
if ! clang-format-14 --style=file --dry-run -Werror "${files[@]}" 2>/tmp/onset-format.$$; then
  grep -o '^[^:]*\.[ch]pp' /tmp/onset-format.$$ | sort -u \
    | sed 's/^/onset: not formatted (clang-format-14 -i): /' >&2
  rm -f /tmp/onset-format.$$
  exit 1
fi
rm -f /tmp/onset-format.$$
