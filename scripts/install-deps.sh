#!/usr/bin/env bash
# Installs the Debian 12 packages Onset builds and runs with, if any is
# missing. Idempotent, and silent when everything is already there.
set -euo pipefail

packages=(
  cmake make ninja-build g++ pkg-config
  libcaf-dev libssl-dev
  liblmdb-dev lmdb-utils
  libboost-serialization-dev
  libspdlog-dev
  nlohmann-json3-dev
  libcpp-httplib-dev
  libcli11-dev
  libjemalloc-dev
  libsystemd-dev
  prometheus-cpp-dev python3-prometheus-client
  jq
  curl openssl socat
  clang-format-14
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "onset: installing ${missing[*]}" >&2
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "onset: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >/dev/null
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
