#!/usr/bin/env bash
# The Debian package (docs/deploy.md): cpack builds onset_VERSION_ARCH.deb
# from this build's binaries; its control data (depends, conffiles,
# maintainer scripts) and files are checked; it is unpacked with
# `dpkg-deb -x` into a throw-away root (not `dpkg --root`: that runs the
# maintainer scripts chrooted into the root, which would need a Debian
# system inside it), and the unpacked onset-node, given the packaged
# catalog and a data directory under that root, started with the unit's
# ExecStart (paths moved under the root) over a one-node cluster file,
# serves /readyz 200 and stops cleanly on SIGTERM. Exit 77 (skipped) when the build has not
# built the four programs.
#
# Usage: package.sh BUILD_DIR ONSET_NODE ONSET ONSET_FLEET ONSET_CHAOS
set -euo pipefail
build=$1
shift
for bin in "$@"; do
  if [ ! -x "$bin" ]; then
    echo "SKIP: $bin is not built"
    exit 77
  fi
done
work=$(mktemp -d "${TMPDIR:-/tmp}/onset-package.XXXXXX")
node_pid=
cleanup() {
  local rc=$?
  if [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then
    kill -KILL "$node_pid" 2>/dev/null || true
    wait "$node_pid" 2>/dev/null || true
  fi
  if [ $rc -eq 0 ]; then rm -rf "$work"; else echo "work directory kept: $work" >&2; fi
}
trap cleanup EXIT
fail() {
  echo "FAIL [package]: $*" >&2
  [ ! -s "$work/node.log" ] || tail -n 20 "$work/node.log" >&2
  exit 1
}
step() { echo "== [package] $*"; }

step "cpack"
t0=$(date +%s.%N)
cpack --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 \
  || fail "cpack: $(tail -n 20 "$work/cpack.log")"
took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
version=$(awk -F'"' '/^set\(CPACK_PACKAGE_VERSION / {print $2}' "$build/CPackConfig.cmake")
deb=$work/out/onset_${version}_$(dpkg --print-architecture).deb
[ -f "$deb" ] || fail "no $(basename "$deb") in: $(ls "$work/out")"
step "$(basename "$deb"): $(( $(stat -c %s "$deb") / 1024 )) KiB in $took s"

step "control data"
dpkg-deb -I "$deb" >"$work/info"
[ "$(dpkg-deb -f "$deb" Package)" = onset ] || fail "Package: $(cat "$work/info")"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in adduser libcaf-core0.17 libcaf-io0.17 liblmdb0 libsystemd0 \
           libjemalloc2 libcpp-httplib0.11; do
  grep -Eq "(^|, )$lib( |,|$)" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
dpkg-deb -e "$deb" "$work/control"
[ "$(cat "$work/control/conffiles")" = /etc/onset/catalog.json ] \
  || fail "conffiles: $(cat "$work/control/conffiles")"
for script in postinst prerm postrm; do
  [ -x "$work/control/$script" ] || fail "$script missing or not executable"
  sh -n "$work/control/$script" || fail "$script: not valid sh"
done
grep -q 'adduser --system' "$work/control/postinst" || fail "postinst makes no system user"

step "files"
dpkg-deb -c "$deb" | awk '{print $1, $NF}' >"$work/files"
for f in ./usr/bin/onset-node ./usr/bin/onset ./usr/bin/onset-fleet \
         ./usr/bin/onset-chaos ./usr/share/onset/cluster-certs.sh; do
  grep -qx -- "-rwxr-xr-x $f" "$work/files" || fail "$f not an executable in: $(cat "$work/files")"
done
for f in ./etc/onset/catalog.json ./lib/systemd/system/onset-node@.service \
         ./usr/share/doc/onset/examples/cluster-example.json; do
  grep -qx -- "-rw-r--r-- $f" "$work/files" || fail "$f not a 0644 file in: $(cat "$work/files")"
done

step "unpacked into a throw-away root (dpkg-deb -x)"
root=$work/root
dpkg-deb -x "$deb" "$root"
exec_bin=$(awk '/^ExecStart=/ {sub("ExecStart=", ""); print $1}' \
  "$root/lib/systemd/system/onset-node@.service")
[ -x "$root$exec_bin" ] || fail "the unit runs $exec_bin, not in the package"
if readelf -S "$root/usr/bin/onset-node" | grep -q '\.debug_'; then
  fail "onset-node is not stripped"
fi
"$root/usr/bin/onset" --help >/dev/null || fail "the packaged onset does not run"
# The unit's own command line (its ExecStart, continuation lines joined),
# with the package's paths moved under the root, instance `n1`, and
# ONSET_NODE_OPTIONS="--http-port 0", over a cluster file of one node with
# every role, on ports of $ONSET_PORT_RANGE (default 32700-32767: outside
# the chaos runs' ranges and cluster.backup_restore's).
range=${ONSET_PORT_RANGE:-32700-32767}
port=
for p in $(seq "${range%-*}" "${range#*-}"); do
  if ! (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null \
     && ! (echo >"/dev/tcp/127.0.0.1/$((p + 1))") 2>/dev/null; then
    port=$p
    break
  fi
done
[ -n "$port" ] || fail "no two free ports in $range"
# The node's mutual TLS, with the packaged script.
"$root/usr/share/onset/cluster-certs.sh" "$root/etc/onset/certs" n1 >/dev/null \
  || fail "the packaged cluster-certs.sh failed"
cat >"$root/etc/onset/cluster.json" <<JSON
{ "tls": {"dir": "$root/etc/onset/certs"},
  "nodes": [ {"name": "n1", "host": "127.0.0.1", "port": $port,
  "gateway_port": $((port + 1)),
  "roles": ["gateway", "contracts", "devices", "services"]} ] }
JSON
command=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$root/lib/systemd/system/onset-node@.service" \
  | sed 's/\\$//' | tr '\n' ' ' | sed -e 's/^ExecStart=//' \
    -e "s#/usr/bin/#$root/usr/bin/#" -e "s#/etc/onset/#$root/etc/onset/#g" \
    -e "s#/var/lib/onset/#$root/var/lib/onset/#g" -e 's#%i#n1#g' \
    -e 's#\$ONSET_NODE_OPTIONS#--http-port 0#')
read -ra argv <<<"$command"
echo "ExecStart, unpacked: ${argv[*]}"
data=$root/var/lib/onset/n1
# systemd makes it (StateDirectory=onset/%i).
mkdir -p "$data"
"${argv[@]}" >"$work/node.log" 2>&1 &
node_pid=$!
code=
for _ in $(seq 150); do
  kill -0 "$node_pid" 2>/dev/null || fail "the packaged onset-node exited"
  if [ -s "$data/http.port" ]; then
    code=$(curl -s -o "$work/readyz" -w '%{http_code}' --max-time 5 \
      "http://127.0.0.1:$(cat "$data/http.port")/readyz" || true)
    [ "$code" != 200 ] || break
  fi
  sleep 0.1
done
[ "$code" = 200 ] || fail "/readyz of the packaged node: ${code:-no port} $(cat "$work/readyz" 2>/dev/null)"
step "the packaged onset-node is ready"
kill -TERM "$node_pid"
rc=0
wait "$node_pid" || rc=$?
node_pid=
[ $rc -eq 0 ] || fail "the packaged onset-node exited with $rc on SIGTERM"
echo "PASS [package] cpack took $took s"
