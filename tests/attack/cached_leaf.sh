#!/usr/bin/env bash
# cached_leaf.sh - attack matrix case "a phone whose certificate the gateway has verified
# before": the verified-leaf cache (gateway/core/leaf_cache.h) lets its next full handshakes
# skip the chain verification (counted by latchkey_client_cert_checks_total{path="cache"}),
# with the user name still taken from the certificate; a certificate with alice's name and
# another key is verified, not served from the cache; a CRL that revokes alice refuses her
# next handshake and her open connection's next request at once (and the other phones'
# entries are verified again under the new CRL); and once carol's certificate has expired
# (the gateway's clock moved on by libfaketime, as the browser test does) her next
# handshake and her open connection's next request are refused. A changed client_ca needs
# a restart (docs/gateway.md, "Reload"), which starts with an empty cache; the unit test
# gateway_leaf_cache shows an entry never hits under another CA set.
# usage: cached_leaf.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is for the site helpers sourced below
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"
. "$ROOT/tests/attack/ca_sign.sh"

lk_site_make --pin 123456
lk_site_metrics
ca_sign_init "$SITE" "$LK_TMP/ca"
# carol: valid for an hour (the fake clock moves 2 hours on; the CRL's 30 days stay current)
newkey "$PKI/private/carol.key"
csr "$PKI/private/carol.key" carol "$LK_TMP/carol.csr"
ca_sign "$LK_TMP/carol.csr" "$PKI/issued/carol.crt" "$LK_TMP/ca/client.ext" "$(now_plus '-1 minute')" \
  "$(now_plus '+1 hour')" sha256
echo 112233 | lk_site_gw user add carol >/dev/null
# alice-k2: alice's name under another key, signed by the same CA
newkey "$PKI/private/alice-k2.key"
csr "$PKI/private/alice-k2.key" alice "$LK_TMP/alice-k2.csr"
ca_sign "$LK_TMP/alice-k2.csr" "$PKI/issued/alice-k2.crt" "$LK_TMP/ca/client.ext" "$(now_plus '-1 minute')" \
  "$(now_plus '+1 day')" sha256

FAKETIME_LIB=$(dpkg -L libfaketime 2>/dev/null | grep '/libfaketimeMT\.so\.1$' | head -n 1)
[ -n "$FAKETIME_LIB" ] || lk_fail "libfaketime is not installed (scripts/install-deps.sh installs faketime)"
# The gateway's wall clock is this file's offset (read again every second); its monotonic
# clock, which times idle connections, and the files' times (the CRL watch) are left alone.
echo "+0d" >"$LK_TMP/faketime"
LK_WRAP="env LD_PRELOAD=$FAKETIME_LIB FAKETIME_TIMESTAMP_FILE=$LK_TMP/faketime FAKETIME_CACHE_DURATION=1 FAKETIME_DONT_FAKE_MONOTONIC=1 NO_FAKE_STAT=1 ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
  lk_site_start_gateway --no-mqtt

# checks PATH: the gateway's count of client chains checked by PATH (verify or cache).
checks() { curl -sS --max-time 5 "$MURL/metrics" | sed -n "s/^latchkey_client_cert_checks_total{path=\"$1\"} //p"; }
# expect VERIFY CACHE WHAT: both counts as they must be after WHAT.
expect() {
  local v c
  v=$(checks verify) c=$(checks cache)
  [ "$v $c" = "$1 $2" ] || lk_fail "$3: chain checks verify=$v cache=$c, expected verify=$1 cache=$2"
}
# page AS: a full handshake and GET / as AS's phone; must be served to AS's user.
page() {
  local got user=${2:-$1}
  got=$(LK_AS=$1 lk_phone "$URL/")
  [ "${got%% *}" = 200 ] || lk_fail "$1's phone: $got"
  grep -q "Signed in as <strong>$user<" "$LK_TMP/body" || lk_fail "$1's page does not name $user"
}
refused() { [ "$(LK_AS=$1 lk_phone "$URL/")" = "curl-failed " ]; }
# open_conn NAME USER: a keep-alive connection as USER whose first GET / is served.
open_conn() {
  lk_keepalive_open "$1" "$2"
  lk_keepalive_get "$1" /
  lk_wait_for $(( 10 * LK_SLOW )) "first answer on $2's open connection" grep -q '</html>' "$LK_TMP/$1.log"
  grep -q '^HTTP/1.1 200' "$LK_TMP/$1.log" || lk_fail "$2 keep-alive: $(head -3 "$LK_TMP/$1.log")"
}
# refused_on NAME WHY: the next request on connection NAME gets 403 data-result WHY.
refused_on() {
  lk_keepalive_get "$1" /
  lk_wait_for $(( 5 * LK_SLOW )) "403 on connection $1" grep -q '^HTTP/1.1 403' "$LK_TMP/$1.log"
  grep -q "data-result=\"$2\"" "$LK_TMP/$1.log" || lk_fail "no '$2' page on connection $1"
  lk_keepalive_close "$1"
}

page alice
expect 1 0 "alice's first handshake"
page alice
page alice
expect 1 2 "alice's next handshakes"
page alice-k2 alice
expect 2 2 "alice's name with another key"
page carol
page carol
expect 3 3 "carol's two handshakes"

lk_log "revoking alice while her connection stays open"
open_conn conn alice
expect 3 4 "alice's keep-alive handshake"
reloads=$(lk_site_crl_reloads)
lk_site_certs revoke alice --reason keyCompromise >/dev/null
lk_site_certs crl --out "$PKI/crl.pem" >/dev/null
lk_site_wait_crl_reload "$reloads"
refused alice || lk_fail "revoked alice's next handshake was served"
grep -q "tls: client certificate refused: certificate revoked" "$GATEWAY_LOG" ||
  lk_fail "revoked handshake not logged"
refused_on conn revoked
page carol # the new CRL's generation: verified again, then from the cache
page carol
expect 5 5 "carol under the new CRL (alice: one refused verify)"

lk_log "carol's certificate expires while her connection stays open"
open_conn conn2 carol
expect 5 6 "carol's keep-alive handshake"
reloads=$(lk_site_crl_reloads)
echo "+2h" >"$LK_TMP/faketime"
# (until the gateway reads the new offset, carol is still valid and may be served)
lk_wait_for $(( 10 * LK_SLOW )) "carol's handshake refused" refused carol
hits=$(checks cache)
refused carol || lk_fail "carol's expired certificate was served again"
grep -q "tls: client certificate refused: certificate has expired" "$GATEWAY_LOG" ||
  lk_fail "expired handshake not logged"
refused_on conn2 certificate-expired
[ "$(lk_site_crl_reloads)" = "$reloads" ] || lk_fail "the CRL was reloaded: not the cache's own date check"
[ "$(checks cache)" = "$hits" ] || lk_fail "an expired certificate was served from the cache"
lk_log "cached phones: revoked and expired certificates refused at the next handshake and request"
