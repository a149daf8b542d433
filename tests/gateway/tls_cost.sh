#!/usr/bin/env bash
# tls_cost.sh - the handshake-cost settings of the gateway's TLS listener
# (gateway/web/tls_cost.c) against the real gateway with openssl s_client: a TLS 1.3
# handshake hands out exactly one session ticket (OpenSSL's default is two), that ticket
# resumes and the resumption hands out one again; a client offering X25519 gets X25519; one
# offering only P-256 or P-384 is still served.
# usage: tls_cost.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is for the site helpers sourced below
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

lk_site_make --pin 123456
lk_site_start_gateway --no-mqtt

# get OUT [s_client args...]: GET / as alice over a new TLS 1.3 connection, with every
# handshake message traced (-msg); s_client's whole output in $LK_TMP/OUT.
get() {
  local out=$1; shift
  printf 'GET / HTTP/1.1\r\nHost: localhost:%s\r\nConnection: close\r\n\r\n' "$GATEWAY_PORT" |
    timeout $(( 10 * LK_SLOW )) openssl s_client -connect "127.0.0.1:$GATEWAY_PORT" -servername localhost \
      -CAfile "$PKI/ca/ca.crt" -cert "$PKI/issued/alice.crt" -key "$PKI/private/alice.key" -tls1_3 \
      -ign_eof -msg "$@" >"$LK_TMP/$out" 2>&1 || true
}
served() { grep -aq 'HTTP/1.1 200' "$LK_TMP/$1"; }
# The server's NewSessionTicket messages ("<<< ... NewSessionTicket" in the -msg trace).
tickets() { grep -ac '<<< .*NewSessionTicket' "$LK_TMP/$1" || true; }

get full -groups X25519:P-256 -sess_out "$LK_TMP/s.sess"
served full || lk_fail "full handshake not served: $(tail -5 "$LK_TMP/full")"
lk_expect_eq "$(tickets full)" 1 "session tickets after a full handshake"
grep -aq 'Server Temp Key: X25519' "$LK_TMP/full" || lk_fail "X25519 not used: $(grep -a 'Temp Key' "$LK_TMP/full")"
get resumed -sess_in "$LK_TMP/s.sess"
grep -aq 'Reused, TLSv1.3' "$LK_TMP/resumed" && served resumed || lk_fail "the one ticket did not resume"
lk_expect_eq "$(tickets resumed)" 1 "session tickets after a resumption"
for g in P-256 P-384; do
  get "only-$g" -groups "$g"
  served "only-$g" || lk_fail "a client offering only $g not served"
done
lk_log "one ticket per handshake, it resumes; X25519 when offered"
