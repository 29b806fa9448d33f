#!/usr/bin/env bash
# (b) A renewal sends only the delta (claim 7): before it, `onset plan` of
# the active contract shows nothing to send; after it, `onset history` shows
# that exactly one `prepare` to service/data_backup per printer was sent.
set -euo pipefail
source "$(dirname "$0")/lib.sh" "$@"

start_node
run_onset 0 devices add "$SAMPLES/devices.json"
run_onset 0 submit "$SAMPLES/contract-acme-backup.json"
run_onset 0 wait C-1001 --timeout 60

step "an active contract has nothing to send"
run_onset 0 plan C-1001
expect_contains "$OUT" "C-1001: nothing to send" "plan before the renewal"
run_onset 0 plan C-1001 --json
[ "$OUT" = "[]" ] || fail "plan --json before the renewal: $OUT"

step "renew with one changed server-side setting"
run_onset 0 submit "$SAMPLES/renewal-acme-backup.json"
expect_contains "$OUT" "C-1001 v2: renewal" "submit the renewal"
run_onset 0 wait C-1001 --timeout 60

step "only the delta was sent"
run_onset 0 history C-1001
renewal_at=$(grep -n 'version=2 renewal' <<<"$OUT" | head -n1 | cut -d: -f1)
[ -n "$renewal_at" ] || fail "history has no renewal line: $OUT"
sent=$(tail -n +"$renewal_at" <<<"$OUT" | awk '$2 == "sent"')
[ "$(grep -c . <<<"$sent")" -eq 2 ] \
  || fail "expected 2 instructions sent after the renewal, got: $sent"
for dev in MFP-0001 MFP-0002; do
  grep -q "target=service/data_backup kind=prepare seq=[0-9]* device=$dev\$" \
    <<<"$sent" || fail "no prepare to service/data_backup for $dev: $sent"
done
run_onset 0 plan C-1001
expect_contains "$OUT" "nothing to send" "plan after the renewal"

step "the service holds the new value"
for dev in MFP-0001 MFP-0002; do
  run_onset 0 service show data_backup --device "$dev" --json
  expect_contains "$OUT" '"backup_format": "differential"' "service show $dev"
  expect_contains "$OUT" '"active": true' "service show $dev"
done
run_onset 0 status
expect_contains "$(awk '$1 == "C-1001"' <<<"$OUT")" " 2 " "status: version 2"

stop_node
echo "PASS [$TEST_NAME]"
