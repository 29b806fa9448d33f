#!/usr/bin/env bash
# `onset-node token` (docs/api.md, "Tokens and roles"): a token is printed
# once and stored only as its hash, names and roles are checked, revoking
# twice is refused.
source "$(dirname "$0")/lib.sh" "$@"

token() { "$NODE_BIN" token --data-dir "$DATA" "$@"; }

step "create prints the token once"
secret=$(token create alice --role billing --customer acme --customer beta) \
  || fail "create alice failed"
[[ $secret =~ ^onset_[0-9a-f]{64}$ ]] || fail "not a token: $secret"
second=$(token create bob --role viewer) || fail "create bob failed"
[ "$secret" != "$second" ] || fail "two tokens are the same"

step "the store keeps hashes, never the secret"
listed=$(token list --json) || fail "list failed"
[[ $listed == *'"name":"alice"'*'"role":"billing"'* ]] \
  || fail "list does not show alice as billing: $listed"
[[ $listed == *'"customers":["acme","beta"]'* ]] \
  || fail "list does not show alice's customers: $listed"
[[ $listed != *"$secret"* ]] || fail "list shows the secret"
if grep -qa "${secret#onset_}" "$DATA"/tokens/*; then
  fail "the secret is stored in the clear"
fi
grep -qa "$(printf '%s' "$secret" | sha256sum | cut -d' ' -f1)" \
  "$DATA/tokens/data.mdb" || fail "the secret's SHA-256 is not what is kept"
mode=$(stat -c %a "$DATA/tokens")
[ "$mode" = 700 ] || fail "tokens directory mode $mode, not 700"

step "bad names and roles are refused, naming the field"
out=$(token create alice --role viewer 2>&1) && fail "a name in use was taken"
[[ $out == *"name: a token named alice exists"* ]] || fail "in use: $out"
out=$(token create carol --role boss 2>&1)
[ $? -eq 2 ] || fail "bad role: exit $?, not 2"
[[ $out == *"--role"* ]] || fail "bad role does not name --role: $out"
out=$(token create 'c c' --role viewer 2>&1)
[ $? -eq 2 ] || fail "bad name: not exit 2"
[[ $out == *"NAME"* ]] || fail "bad name does not name NAME: $out"
[[ $(token list) != *carol* ]] || fail "a refused token was stored"

step "revoke"
token revoke alice >/dev/null || fail "revoke alice failed"
out=$(token revoke alice 2>&1) && fail "revoked alice twice"
[[ $out == *"no token named alice"* ]] || fail "second revoke: $out"
[[ $(token list) == bob* ]] || fail "bob is not the one token left"
echo "PASS [$TEST_NAME]"
