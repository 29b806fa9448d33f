# What the multi-process cluster tests (five_nodes_test.sh,
# backup_restore_test.sh) share, sourced by them once `work` (their temp
# directory) and `run` (the nodes' directory under it) are set: progress
# lines, the failure report, and the documents (printer i belongs to
# contract ceil(i/2); each contract wants data backup, server and device
# side, and failure prediction).

t0=$(date +%s)

# step TEXT: a progress line with the seconds since the start.
step() { echo "[$(( $(date +%s) - t0 ))s] $*"; }

# fail TEXT: the reason and every node log's tail; ends the test with 1.
fail() {
  echo "FAIL: $*" >&2
  for f in "$run"/*.log; do
    echo "--- $f (last lines)" >&2
    tail -n 15 "$f" >&2
  done
  echo "work directory kept: $work" >&2
  exit 1
}

# devices_json N: printers MFP-0001..N of customer acme, as one array.
devices_json() {
  local i sep
  echo "["
  for i in $(seq 1 "$1"); do
    sep=","; [ "$i" -eq "$1" ] && sep=""
    printf '{"id":"MFP-%04d","customer":"acme","model":"imageRUNNER C3326","firmware":"2.4.0","apps":[]}%s\n' "$i" "$sep"
  done
  echo "]"
}

# contracts_json FIRST LAST: contracts C-FIRST..C-LAST, as one array.
contracts_json() {
  local i sep
  echo "["
  for i in $(seq "$1" "$2"); do
    sep=","; [ "$i" -eq "$2" ] && sep=""
    printf '{"id":"C-%04d","version":1,"customer":"acme","start":"2026-01-01T00:00:00Z","end":"2036-01-01T00:00:00Z","devices":["MFP-%04d","MFP-%04d"],"services":{"data_backup":{"backup_format":"full"},"failure_prediction":{}}}%s\n' "$i" $((2 * i - 1)) $((2 * i)) "$sep"
  done
  echo "]"
}

# ids FIRST LAST: the contract ids C-FIRST..C-LAST, one per line.
ids() { seq -f "C-%04g" "$1" "$2"; }
