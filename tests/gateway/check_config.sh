#!/usr/bin/env bash
# check_config.sh - `latchkey-gateway --check-config` finds what would break the service,
# as `nginx -t` does (docs/gateway.md, "Checking a configuration"): each case is a copy of
# a good site's config with one fault, and must fail (exit 2) naming it in one line, or
# (for a certificate close to its end, a CRL off, the port of the running gateway itself)
# pass with a warning. As root, with
# [server] user, the files are opened as that user (here `nobody`): files only root can
# read are errors until they are given to it.
# usage: check_config.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is read by tests/lib/site.sh
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

lk_site_make --door "door1:Front door"
lk_site_metrics
GOOD="$LK_TMP/site-good.conf"
cp "$CONF" "$GOOD"

# check NAME SECTION KEY VALUE [SECTION KEY VALUE...]: a copy of the good config with
# those keys set; its --check-config output (stderr and stdout) in $out, status in $rc.
check() {
  local name=$1 c="$LK_TMP/$1.conf"; shift
  cp "$GOOD" "$c"
  while [ $# -ge 3 ]; do lk_conf_set "$c" "$1" "$2" "$3"; shift 3; done
  rc=0
  out=$("$BUILD/gateway/latchkey-gateway" -c "$c" --check-config 2>&1) || rc=$?
}
expect_error() { # NAME PATTERN SECTION KEY VALUE...
  local name=$1 pat=$2; shift 2
  check "$name" "$@"
  lk_expect_eq "$rc" 2 "$name: exit status ($out)"
  lk_has -E "^latchkey-gateway: $LK_TMP/$name.conf: error: .*$pat" <<<"$out" || lk_fail "$name: no error '$pat' in: $out"
  lk_has -E "[0-9]+ errors?: the gateway would not work as configured" <<<"$out" || lk_fail "$name: no summary: $out"
}
expect_warning() { # NAME PATTERN SECTION KEY VALUE...
  local name=$1 pat=$2; shift 2
  check "$name" "$@"
  lk_expect_eq "$rc" 0 "$name: exit status ($out)"
  lk_has -E "warning: .*$pat" <<<"$out" || lk_fail "$name: no warning '$pat' in: $out"
  lk_has ": OK (" <<<"$out" || lk_fail "$name: not OK: $out"
}

lk_log "the good config passes"
check good
lk_expect_eq "$rc" 0 "good config: $out"
if lk_has "error:" <<<"$out"; then lk_fail "errors on the good config: $out"; fi

lk_log "server certificate and key"
expect_error key-mismatch "\[server\] key .*/gateway.key does not belong to the certificate" server key "$PKI/private/gateway.key"
lk_site_cert_dated expired '-10 days' '-1 day'
expect_error cert-expired "\[server\] $LK_TMP/expired.crt has expired" server cert "$LK_TMP/expired.crt" server key "$LK_TMP/expired.key"
lk_site_cert_dated future '+1 day' '+30 days'
expect_error cert-future "\[server\] $LK_TMP/future.crt is not valid yet" server cert "$LK_TMP/future.crt" server key "$LK_TMP/future.key"
lk_site_cert_dated soon '-1 day' '+5 days'
expect_warning cert-soon "\[server\] $LK_TMP/soon.crt expires in [45] days" server cert "$LK_TMP/soon.crt" server key "$LK_TMP/soon.key"
lk_site_cert_dated clientonly '-1 day' '+90 days' clientAuth
expect_error cert-purpose "certificate $LK_TMP/clientonly.crt is not for a TLS server" server cert "$LK_TMP/clientonly.crt" server key "$LK_TMP/clientonly.key"

lk_log "client CA and CRL"
expect_error ca-leaf "\[server\] client_ca .*localhost.crt: certificate 1 \(CN localhost\) is not a CA" server client_ca "$PKI/issued/localhost.crt" server crl none
cp "$PKI/crl.pem" "$LK_TMP/crl-good.pem"
lk_site_crl_dated '-2 days' '-1 day' "$LK_TMP/crl-expired.pem"
expect_error crl-expired "\[server\] crl $LK_TMP/crl-expired.pem has expired" server crl "$LK_TMP/crl-expired.pem"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 5 -subj /CN=other-ca \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=keyCertSign,cRLSign \
  -keyout "$LK_TMP/other.key" -out "$LK_TMP/other.crt" 2>/dev/null
mkdir -p "$LK_TMP/other-ca" && : >"$LK_TMP/other-ca/index.txt" && echo 01 >"$LK_TMP/other-ca/crlnumber"
printf '[ca]\ndefault_ca = x\n[x]\ndatabase = %s\ncrlnumber = %s\ndefault_md = sha256\n' \
  "$LK_TMP/other-ca/index.txt" "$LK_TMP/other-ca/crlnumber" >"$LK_TMP/other-ca/ca.cnf"
openssl ca -gencrl -config "$LK_TMP/other-ca/ca.cnf" -cert "$LK_TMP/other.crt" -keyfile "$LK_TMP/other.key" \
  -crldays 5 -out "$LK_TMP/crl-other.pem" 2>/dev/null || lk_fail "the other CA's CRL"
# (found while the file loads, as before: its line and the key, no summary)
check crl-foreign server crl "$LK_TMP/crl-other.pem"
lk_expect_eq "$rc" 2 "crl-foreign: exit status ($out)"
lk_has -E "crl-foreign.conf:[0-9]+: \[server\] crl: $LK_TMP/crl-other.pem: not signed by (the client CA|a CA of client_ca)" <<<"$out" ||
  lk_fail "crl-foreign: $out"
expect_warning crl-none "crl = none: revoked phones are still let in" server crl none

lk_log "listen addresses"
lk_free_port BUSY_PORT
lk_start busy "${PY:-python3}" -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(120)' "$BUSY_PORT"
lk_wait_port "$BUSY_PORT" 10 "$LK_LAST_PID"
expect_error port-busy "\[server\] cannot listen on 127.0.0.1 port $BUSY_PORT: Address already in use" server port "$BUSY_PORT"
expect_error metrics-busy "\[metrics\] cannot listen on 127.0.0.1 port $BUSY_PORT: Address already in use" metrics port "$BUSY_PORT"
expect_error foreign-address "\[server\] cannot listen on 192.0.2.1 port [0-9]+: Cannot assign requested address" server listen 192.0.2.1

lk_log "the running service's own port: a warning, not an error"
lk_site_start_gateway --no-mqtt
check running
lk_expect_eq "$rc" 0 "--check-config next to the running gateway ($out)"
lk_has "warning: \[server\] port $GATEWAY_PORT is held by a running latchkey-gateway" <<<"$out" ||
  lk_fail "running: $out"
lk_stop "$GW_PID"

lk_log "the broker identity"
expect_error mqtt-key "\[mqtt\] key .*/localhost.key does not belong to the certificate .*/gateway.crt" mqtt key "$PKI/private/localhost.key"
expect_error mqtt-ca-leaf "\[mqtt\] ca .*/gateway.crt: certificate 1 \(CN gateway\) is not a CA" mqtt ca "$PKI/issued/gateway.crt"
expect_warning mqtt-other-ca "\[mqtt\] certificate .*/gateway.crt does not verify against $LK_TMP/other.crt" mqtt ca "$LK_TMP/other.crt"
lk_site_cert_dated mqtt-old '-10 days' '-1 day' clientAuth
expect_error mqtt-expired "\[mqtt\] $LK_TMP/mqtt-old.crt has expired" mqtt cert "$LK_TMP/mqtt-old.crt" mqtt key "$LK_TMP/mqtt-old.key"

lk_log "files readable by the service user"
if [ "$(id -u)" -ne 0 ]; then
  lk_log "not root: the as-user check needs root (skipped here; CI runs as root)"
  check as-self server user nobody
  lk_has "files checked as this user, not as \[server\] user = nobody" <<<"$out" || lk_fail "as-self: $out"
else
  check root-no-user
  lk_has "warning: run as root without \[server\] user: files checked as root" <<<"$out" || lk_fail "root-no-user: $out"
  expect_error no-such-user "\[server\] user = no-such-latchkey-user: no such user" server user no-such-latchkey-user
  # The site is root's (mktemp -d is 0700): nobody can read none of it.
  expect_error as-nobody "\[server\] key $PKI/private/localhost.key: user nobody cannot read it: Permission denied" server user nobody
  lk_has "\[store\] pepper_file .*: user nobody cannot read it: Permission denied" <<<"$out" || lk_fail "pepper not named: $out"
  lk_has "\[store\] database .*: user nobody cannot write its directory" <<<"$out" || lk_fail "database dir not named: $out"
  # Given to nobody as an operator would give them to the service user: then OK.
  chmod 0755 "$LK_TMP" "$SITE" "$PKI" "$PKI/issued" "$PKI/ca" "$PKI/private" "$PKI/cmd"
  chown nobody "$SITE" "$SITE/gateway.pepper" "$SITE/gateway.db" "$PKI/private/localhost.key" \
    "$PKI/private/gateway.key" "$PKI/cmd/command.key" "$LK_TMP/as-nobody.conf"
  chmod 0644 "$PKI/crl.pem"
  [ ! -e "$SITE/gateway.db.crl-number" ] || chown nobody "$SITE/gateway.db.crl-number"
  check as-nobody server user nobody
  chown nobody "$LK_TMP/as-nobody.conf"
  out=$("$BUILD/gateway/latchkey-gateway" -c "$LK_TMP/as-nobody.conf" --check-config 2>&1) || lk_fail "as nobody, files given to it: $out"
  lk_has ": OK (" <<<"$out" || lk_fail "as nobody: $out"
fi
lk_log "all --check-config checks passed"
