#!/usr/bin/env bash
# expired_resumption.sh - attack matrix case "an expired certificate through TLS session
# resumption": carol's certificate (signed by the site's CA) is valid for LIFE seconds. While
# it is valid she gets a session ticket (TLS 1.3 and TLS 1.2) and keeps a keep-alive
# connection open; once it has expired, resuming either session must not get a page (the
# gateway refuses the ticket, so a full handshake verifies the certificate again and fails),
# and the open connection's next request gets 403 "certificate-expired". A ticket's
# lifetime hint never goes past the certificate's notAfter.
# usage: expired_resumption.sh SOURCE_DIR BUILD_DIR
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"
. "$ROOT/tests/attack/ca_sign.sh"

LIFE=$(( 20 * LK_SLOW )) # seconds carol's certificate is valid from now
lk_site_make --pin 123456
ca_sign_init "$SITE" "$LK_TMP/ca"
newkey "$PKI/private/carol.key"
csr "$PKI/private/carol.key" carol "$LK_TMP/carol.csr"
ca_sign "$LK_TMP/carol.csr" "$PKI/issued/carol.crt" "$LK_TMP/ca/client.ext" "$(now_plus '-1 minute')" \
  "$(now_plus "+$LIFE seconds")" sha256
expires=$(date -d "$(openssl x509 -in "$PKI/issued/carol.crt" -noout -enddate | cut -d= -f2)" +%s)
echo 112233 | lk_site_gw user add carol >/dev/null
lk_site_start_gateway --no-mqtt

# get OUT PROTO [s_client args...]: GET / over a new TLS connection (PROTO -tls1_3 or
# -tls1_2); s_client's whole output in $LK_TMP/OUT.
get() {
  local out=$1 proto=$2; shift 2
  printf 'GET / HTTP/1.1\r\nHost: localhost:%s\r\nConnection: close\r\n\r\n' "$GATEWAY_PORT" |
    timeout $(( 10 * LK_SLOW )) openssl s_client -connect "127.0.0.1:$GATEWAY_PORT" -servername localhost \
      -CAfile "$PKI/ca/ca.crt" "$proto" -ign_eof "$@" >"$LK_TMP/$out" 2>&1 || true
}
# s_client's session lines and the answer share stdout and may interleave: no ^ anchors.
served() { grep -aq 'HTTP/1.1 200' "$LK_TMP/$1"; }
reused() { grep -aq 'Reused, TLS' "$LK_TMP/$1"; }
carol=(-cert "$PKI/issued/carol.crt" -key "$PKI/private/carol.key")

for proto in -tls1_3 -tls1_2; do
  p=${proto#-}
  get "$p-full" "$proto" "${carol[@]}" -sess_out "$LK_TMP/$p.sess"
  served "$p-full" || lk_fail "$p: carol's full handshake not served: $(tail -5 "$LK_TMP/$p-full")"
  hint=$(openssl sess_id -in "$LK_TMP/$p.sess" -noout -text | sed -n 's/.*lifetime hint: \([0-9]*\).*/\1/p')
  [ -n "$hint" ] || lk_fail "$p: no session ticket"
  [ "$hint" -le $(( expires - $(date +%s) + 2 )) ] ||
    lk_fail "$p: ticket lifetime hint $hint s outlives the certificate ($(( expires - $(date +%s) )) s left)"
  # Control: while the certificate is valid the session resumes (else the test proves nothing).
  get "$p-resumed" "$proto" -sess_in "$LK_TMP/$p.sess" -sess_out "$LK_TMP/$p.sess"
  reused "$p-resumed" && served "$p-resumed" || lk_fail "$p: valid session not resumed: $(grep -aE '(New|Reused), ' "$LK_TMP/$p-resumed")"
done
lk_keepalive_open conn carol
lk_keepalive_get conn /
lk_wait_for $(( 10 * LK_SLOW )) "first answer on the open connection" grep -q '</html>' "$LK_TMP/conn.log"
grep -q '^HTTP/1.1 200' "$LK_TMP/conn.log" || lk_fail "keep-alive: $(head -3 "$LK_TMP/conn.log")"

now=$(date +%s)
[ "$now" -lt "$expires" ] || lk_fail "the set-up took longer than the certificate's life ($LIFE s)"
lk_log "waiting $(( expires - now + 1 )) s for carol's certificate to expire"
sleep $(( expires - now + 1 ))

for proto in -tls1_3 -tls1_2; do
  p=${proto#-}
  get "$p-expired" "$proto" -sess_in "$LK_TMP/$p.sess"
  ! served "$p-expired" || lk_fail "$p: an expired certificate's session was resumed and served"
  ! reused "$p-expired" || lk_fail "$p: an expired certificate's session was resumed"
  # With the certificate as well: the full handshake refuses it.
  get "$p-expired-cert" "$proto" -sess_in "$LK_TMP/$p.sess" "${carol[@]}"
  ! served "$p-expired-cert" || lk_fail "$p: the expired certificate was served"
done
grep -q "session resumption refused: client certificate certificate-expired" "$GATEWAY_LOG" ||
  lk_fail "refused resumption not logged"

lk_keepalive_get conn /
lk_wait_for $(( 5 * LK_SLOW )) "403 on the open connection" grep -q '^HTTP/1.1 403' "$LK_TMP/conn.log"
grep -q 'data-result="certificate-expired"' "$LK_TMP/conn.log" || lk_fail "no 'certificate-expired' page"
[ "$(grep -c '^HTTP/1.1 200' "$LK_TMP/conn.log")" -eq 1 ] || lk_fail "a second 200 on the expired connection"
lk_keepalive_close conn
grep -q "request refused: client certificate certificate-expired" "$GATEWAY_LOG" || lk_fail "expired request not logged"
lk_log "an expired certificate gets nothing through a resumed session or an open connection"
