#!/usr/bin/env bash
# revoked_keepalive.sh - attack matrix case "revoked while a keep-alive connection is open":
# a user's HTTP/1.1 connection stays open across a CRL change that revokes the user's
# certificate; the next request on that same connection must be refused (403 "revoked")
# although its handshake happened before the revocation.
# usage: revoked_keepalive.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is for the site helpers sourced below
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

lk_site_make --pin 123456
lk_site_start_gateway --no-mqtt

lk_keepalive_open conn alice
lk_keepalive_get conn /
first_answer() { grep -q '</html>' "$LK_TMP/conn.log"; }
lk_wait_for 10 "first answer on the open connection" first_answer
grep -q '^HTTP/1.1 200' "$LK_TMP/conn.log" || lk_fail "first request: $(head -3 "$LK_TMP/conn.log")"

lk_log "revoking alice while her connection stays open"
reloads=$(lk_site_crl_reloads)
lk_site_certs revoke alice --reason keyCompromise >/dev/null
lk_site_certs crl --out "$PKI/crl.pem" >/dev/null
lk_site_wait_crl_reload "$reloads" # the next request is checked against the new CRL
lk_keepalive_get conn /
refused() { grep -q '^HTTP/1.1 403' "$LK_TMP/conn.log"; }
lk_wait_for 5 "403 on the same connection" refused
grep -q 'data-result="revoked"' "$LK_TMP/conn.log" || lk_fail "no 'revoked' refusal page"
[ "$(grep -c '^HTTP/1.1 200' "$LK_TMP/conn.log")" -eq 1 ] || lk_fail "a second 200 on the revoked connection"
lk_keepalive_close conn
lk_log "revoked keep-alive connection refused at its next request"
