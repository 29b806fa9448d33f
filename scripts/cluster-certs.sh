#!/usr/bin/env bash
# Makes the certificates of a cluster's mutual TLS (docs/cluster.md,
# "Certificates") with the `openssl` command:
#
#   cluster-certs.sh DIR NAME...
#
# DIR/ca.pem and DIR/ca.key: the cluster's CA, made once (kept if present).
# DIR/NAME.pem and DIR/NAME.key for each NAME: a node's certificate signed by
# the CA (for TLS clients and servers alike, subjectAltName DNS:NAME) and its
# key; made again if present (renewal). Every node of the cluster file
# (`"tls": {"dir": DIR}`) needs its pair, by its name in the file. Keys are
# unencrypted, readable by their owner only: copy DIR/ca.pem and a node's
# own pair to its machine, never ca.key.
#
# $ONSET_CERT_DAYS: how long node certificates are valid (default 825); the
# CA's is valid for 3650 days.
set -euo pipefail

die() {
  echo "cluster-certs: $*" >&2
  exit 2
}

[ $# -ge 2 ] || die "usage: cluster-certs.sh DIR NAME..."
dir=$1
shift
days=${ONSET_CERT_DAYS:-825}
[[ $days =~ ^[1-9][0-9]*$ ]] || die "ONSET_CERT_DAYS: '$days' is not a number of days"
for name in "$@"; do
  [[ $name =~ ^[A-Za-z0-9._-]+$ ]] \
    || die "node name '$name' may only hold letters, digits, '.', '_' and '-'"
  [ "$name" != ca ] || die "node name 'ca' is the CA's file name"
done
command -v openssl >/dev/null || die "the openssl command is not installed"
mkdir -p "$dir"
umask 077

if [ ! -f "$dir/ca.pem" ]; then
  [ ! -f "$dir/ca.key" ] || die "$dir/ca.key exists without ca.pem; move it away first"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$dir/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$dir/ca.key" -sha256 -days 3650 \
    -subj "/CN=onset cluster CA" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$dir/ca.pem"
  chmod 644 "$dir/ca.pem"
  echo "cluster-certs: made the CA $dir/ca.pem"
fi
[ -f "$dir/ca.key" ] || die "$dir/ca.key is missing: node certificates are signed with it"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for name in "$@"; do
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$work/$name.key" 2>/dev/null
  openssl req -new -key "$work/$name.key" -subj "/CN=$name" -out "$work/$name.csr"
  cat >"$work/$name.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:$name
EXT
  openssl x509 -req -in "$work/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -CAcreateserial -CAserial "$work/ca.srl" -sha256 -days "$days" \
    -extfile "$work/$name.ext" -out "$work/$name.pem" 2>/dev/null
  mv "$work/$name.key" "$dir/$name.key"
  chmod 644 "$work/$name.pem"
  mv "$work/$name.pem" "$dir/$name.pem"
  echo "cluster-certs: made $dir/$name.pem and $dir/$name.key"
done
