#!/usr/bin/env bash
# Runs the nodes of a loopback cluster file (docs/cluster.md) as processes of
# this machine, each with its own data directory and log file under DIR, and
# stops exactly the processes it started.
#
#   local-cluster.sh start DIR CLUSTER_FILE [NODE...] [-- ONSET_NODE_OPTION...]
#       Starts the named nodes (all nodes of the file by default), each once
#       the one before answers GET /healthz, then waits until every one
#       answers GET /readyz with 200 (docs/api.md): its store works and it
#       reaches every peer it needs. Every node serves HTTP: a gateway node
#       on the --http-port given (0 if none), the others on a free port
#       (their probes only); each writes its port to DIR/NODE/http.port.
#       Per node: data in DIR/NODE/, log appended to DIR/NODE.log, its PID
#       in DIR/NODE.pid, its command line in DIR/NODE.args (for restart).
#       $ONSET_WAIT=up waits for /healthz only (nodes whose peers are not
#       started are never ready).
#   local-cluster.sh restart DIR NODE...
#       Starts stopped or killed nodes again with the same command line,
#       and waits until they are ready, as start does.
#   local-cluster.sh stop DIR [NODE...]
#       SIGTERM (clean stop), SIGKILL after 15 s; all started nodes by
#       default.
#   local-cluster.sh signal DIR NODE SIGNAL
#       Sends SIGNAL (KILL, STOP, CONT, ...) to a started node; a node
#       killed this way counts as stopped.
#   local-cluster.sh pid DIR NODE       Prints the node's PID.
#   local-cluster.sh status DIR         One line per node: running or not.
#   local-cluster.sh free-ports N       Prints the first of N consecutive
#       free loopback ports between 20000 and the kernel's ephemeral range
#       (derived from the caller's PID, so that tests running in parallel
#       pick different ones).
#
# A PID is used only while /proc says it is the same process (same start
# time) that this script started: a reused PID is never signalled.
# The binary is $ONSET_NODE, else $ONSET_BUILD_DIR/nodes/onset-node, else
# build/nodes/onset-node under the source tree. The catalog is
# $ONSET_CATALOG, else the source tree's.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
onset_node=${ONSET_NODE:-${ONSET_BUILD_DIR:-$root/build}/nodes/onset-node}
export ONSET_CATALOG=${ONSET_CATALOG:-$root/config/catalog.json}
ready_timeout=${ONSET_READY_TIMEOUT:-30}
wait_for=${ONSET_WAIT:-ready}

die() {
  echo "local-cluster: $*" >&2
  exit 1
}

usage() {
  sed -n '2,37p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# The start time of process $1 (field 22 of /proc/PID/stat), or nothing.
start_time() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  # The command name (field 2) may hold spaces: cut after its ')'.
  stat=${stat##*) }
  echo "$stat" | awk '{print $20}'
}

# The PID of node $2 in DIR $1 if that very process still runs.
live_pid() {
  local file="$1/$2.pid" pid started
  [ -f "$file" ] || return 0
  read -r pid started <"$file"
  [ -n "$pid" ] && [ "$(start_time "$pid")" = "$started" ] && echo "$pid"
  return 0
}

nodes_of() {
  jq -r '.nodes[].name' "$1"
}

check_loopback() {
  local bad
  bad=$(jq -r '.nodes[] | select((.host | test("^(127\\.|localhost$|::1$)")) | not) | .name' "$1")
  [ -z "$bad" ] || die "$1: nodes not on loopback: $bad"
}

# The HTTP status of GET $3 on node $2 of DIR $1 (000 if it does not answer
# or wrote no port yet); the body goes to $4 (default: nowhere). HTTPS,
# unverified, when the node was given --tls-cert: these are loopback probes.
probe() {
  local dir=$1 name=$2 path=$3 out=${4:-/dev/null} port scheme=http
  port=$(cat "$dir/$name/http.port" 2>/dev/null) || { echo 000; return 0; }
  grep -qx -- --tls-cert "$dir/$name.args" && scheme=https
  curl -sk -o "$out" -w '%{http_code}' --max-time 2 \
    "$scheme://127.0.0.1:$port$path" 2>/dev/null || true
}

launch() {
  local dir=$1 name=$2 pid started
  local -a args
  mapfile -t args <"$dir/$name.args"
  echo "=== local-cluster: start $(date -u +%Y-%m-%dT%H:%M:%SZ) ===" >>"$dir/$name.log"
  # A killed node leaves its port file behind.
  rm -f "$dir/$name/http.port"
  "${args[@]}" >>"$dir/$name.log" 2>&1 </dev/null &
  pid=$!
  started=$(start_time "$pid")
  echo "$pid $started" >"$dir/$name.pid"
  local waited=0
  until [ "$(probe "$dir" "$name" /healthz)" = 200 ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$dir/$name.log" >&2
      rm -f "$dir/$name.pid"
      die "node $name exited at start (log: $dir/$name.log)"
    fi
    waited=$((waited + 1))
    [ "$waited" -le "$((ready_timeout * 10))" ] || die "node $name does not answer /healthz after ${ready_timeout}s (log: $dir/$name.log)"
    sleep 0.1
  done
  echo "local-cluster: $name up pid=$pid log=$dir/$name.log"
}

# Waits until every node named after DIR $1 answers /readyz with 200.
await_ready() {
  local dir=$1 name waited=0
  shift
  [ "$wait_for" = ready ] || return 0
  for name in "$@"; do
    until [ "$(probe "$dir" "$name" /readyz "$dir/$name.readyz")" = 200 ]; do
      waited=$((waited + 1))
      if [ "$waited" -gt "$((ready_timeout * 10))" ]; then
        { cat "$dir/$name.readyz" 2>/dev/null && echo; } >&2 || true
        die "node $name not ready after ${ready_timeout}s (log: $dir/$name.log)"
      fi
      sleep 0.1
    done
    rm -f "$dir/$name.readyz"
    echo "local-cluster: $name ready"
  done
}

# The options of node $2 of cluster file $1 from the options in $3...: the
# --http-port given goes to a gateway node (0 if none was given); any other
# node serves its probes on a free port.
node_options() {
  local cluster=$1 name=$2 port=0 gateway
  shift 2
  local -a out=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --http-port) port=$2; shift 2 ;;
      --http-port=*) port=${1#--http-port=}; shift ;;
      *) out+=("$1"); shift ;;
    esac
  done
  gateway=$(jq -r --arg n "$name" '.nodes[] | select(.name == $n) | .roles | index("gateway") != null' "$cluster")
  [ "$gateway" = true ] || port=0
  printf '%s\n' --http-port "$port" "${out[@]}"
}

cmd_start() {
  [ $# -ge 2 ] || usage
  local dir=$1 cluster=$2
  shift 2
  local -a names=() options=()
  while [ $# -gt 0 ]; do
    if [ "$1" = "--" ]; then
      shift
      options=("$@")
      break
    fi
    names+=("$1")
    shift
  done
  [ -f "$cluster" ] || die "no cluster file $cluster"
  [ -x "$onset_node" ] || die "no onset-node binary at $onset_node (set ONSET_NODE)"
  check_loopback "$cluster"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  cluster=$(cd "$(dirname "$cluster")" && pwd)/$(basename "$cluster")
  [ ${#names[@]} -gt 0 ] || mapfile -t names < <(nodes_of "$cluster")
  local name
  for name in "${names[@]}"; do
    jq -e --arg n "$name" '.nodes[] | select(.name == $n)' "$cluster" >/dev/null \
      || die "$cluster has no node $name"
    [ -z "$(live_pid "$dir" "$name")" ] || die "node $name already runs"
    mkdir -p "$dir/$name"
    {
      printf '%s\n' "$onset_node" --cluster "$cluster" --node "$name" \
        --data-dir "$dir/$name"
      node_options "$cluster" "$name" "${options[@]}"
    } >"$dir/$name.args"
    launch "$dir" "$name"
  done
  await_ready "$dir" "${names[@]}"
}

cmd_restart() {
  [ $# -ge 2 ] || usage
  local dir=$1 name
  shift
  for name in "$@"; do
    [ -f "$dir/$name.args" ] || die "node $name was never started in $dir"
    [ -z "$(live_pid "$dir" "$name")" ] || die "node $name still runs"
    launch "$dir" "$name"
  done
  await_ready "$dir" "$@"
}

started_nodes() {
  local f
  for f in "$1"/*.pid; do
    [ -e "$f" ] || continue
    basename "$f" .pid
  done
}

cmd_stop() {
  [ $# -ge 1 ] || usage
  local dir=$1 name pid
  shift
  local -a names=("$@")
  [ ${#names[@]} -gt 0 ] || mapfile -t names < <(started_nodes "$dir")
  local -a pids=()
  for name in "${names[@]}"; do
    pid=$(live_pid "$dir" "$name")
    if [ -n "$pid" ]; then
      kill -CONT "$pid" 2>/dev/null || true
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$name:$pid")
    fi
  done
  local entry waited
  for entry in "${pids[@]}"; do
    name=${entry%%:*}
    pid=${entry#*:}
    waited=0
    while [ -n "$(live_pid "$dir" "$name")" ] && [ "$waited" -lt 150 ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    if [ -n "$(live_pid "$dir" "$name")" ]; then
      echo "local-cluster: $name did not stop in 15 s; SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "local-cluster: $name stopped"
  done
  for name in "${names[@]}"; do
    rm -f "$dir/$name.pid"
  done
}

cmd_signal() {
  [ $# -eq 3 ] || usage
  local dir=$1 name=$2 sig=$3 pid
  pid=$(live_pid "$dir" "$name")
  [ -n "$pid" ] || die "node $name does not run"
  kill -"$sig" "$pid"
  if [ "$sig" = KILL ] || [ "$sig" = 9 ]; then
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    rm -f "$dir/$name.pid"
  fi
}

cmd_pid() {
  [ $# -eq 2 ] || usage
  local pid
  pid=$(live_pid "$1" "$2")
  [ -n "$pid" ] || die "node $2 does not run"
  echo "$pid"
}

cmd_status() {
  [ $# -eq 1 ] || usage
  local dir=$1 f name pid
  for f in "$dir"/*.args; do
    [ -e "$f" ] || continue
    name=$(basename "$f" .args)
    pid=$(live_pid "$dir" "$name")
    if [ -n "$pid" ]; then
      echo "$name running pid=$pid"
    else
      echo "$name stopped"
    fi
  done
}

cmd_free_ports() {
  [ $# -eq 1 ] || usage
  local n=$1 low=20000 high ephemeral_low ephemeral_high slots slot base ok p
  # The kernel hands ports of its ephemeral range to outgoing connections at
  # any moment, so a port found free there can be taken before the node binds
  # it (seen in CI: "tcp socket creation failed"). Below that range only a
  # listener can hold a port, and the connect probe below sees listeners.
  read -r ephemeral_low ephemeral_high </proc/sys/net/ipv4/ip_local_port_range \
    2>/dev/null || { ephemeral_low=32768; ephemeral_high=60999; }
  high=$((ephemeral_low - 1))
  if [ $((high - low + 1)) -lt $((n + 100)) ]; then
    low=$((ephemeral_high + 1))
    high=65535
  fi
  slots=$(((high - low + 1 - n) / 10 + 1))
  [ "$slots" -gt 0 ] || die "no room for $n ports outside the ephemeral range"
  slot=$((PPID % slots))
  for _ in $(seq 1 50); do
    base=$((low + slot * 10))
    ok=1
    for p in $(seq "$base" $((base + n - 1))); do
      ! (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || ok=0
    done
    [ "$ok" = 0 ] || { echo "$base"; return 0; }
    slot=$(((slot + 1) % slots))
  done
  die "no $n free ports found"
}

[ $# -ge 1 ] || usage
command=$1
shift
case "$command" in
  start) cmd_start "$@" ;;
  restart) cmd_restart "$@" ;;
  stop) cmd_stop "$@" ;;
  signal) cmd_signal "$@" ;;
  pid) cmd_pid "$@" ;;
  status) cmd_status "$@" ;;
  free-ports) cmd_free_ports "$@" ;;
  *) usage ;;
esac
