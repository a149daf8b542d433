#!/usr/bin/env bash
# web_attacks.sh - HTTP-level attacks on the real gateway by a client that holds a valid
# certificate: missing security headers, oversize body and header, request smuggling with
# conflicting Content-Length / Transfer-Encoding or a framing header with whitespace before
# its colon or an obs-fold, a Host header naming another site (the gateway's own origin is configured,
# not taken from Host), a certificate whose CN is not a user name (a page and a log line
# that say so), and slow clients that try to hold the server. Each is refused and the
# gateway keeps serving.
# usage: web_attacks.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is for the site helpers sourced below
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"
. "$ROOT/tests/attack/ca_sign.sh"

lk_site_make --pin 123456
lk_site_start_broker
lk_site_start_gateway --no-mqtt

# raw: sends stdin as the request over TLS with alice's certificate; prints the status line.
raw() {
  timeout 10 openssl s_client -quiet -connect "localhost:$GATEWAY_PORT" -CAfile "$PKI/ca/ca.crt" \
    -cert "$PKI/issued/alice.crt" -key "$PKI/private/alice.key" 2>/dev/null | sed -n 1p | tr -d '\r' || true
}
still_serving() {
  local out
  out=$(lk_phone "$URL/")
  lk_expect_eq "${out%% *}" 200 "gateway serves after: $1"
}

lk_log "security headers on the page"
out=$(lk_phone -D "$LK_TMP/headers" "$URL/")
lk_expect_eq "${out%% *}" 200 "GET /"
for h in "content-security-policy: .*frame-ancestors 'none'" "x-frame-options: DENY" \
         "strict-transport-security: max-age=[1-9]" "referrer-policy: same-origin" \
         "x-content-type-options: nosniff" "cache-control: no-store"; do
  grep -qiE "^$h" "$LK_TMP/headers" || lk_fail "missing header: $h"
done
if grep -iE '^content-security-policy:' "$LK_TMP/headers" | lk_has -iE "unsafe-inline|unsafe-eval|https?:"; then
  lk_fail "CSP allows inline code or external origins"
fi

lk_log "oversize body refused"
head -c 100000 /dev/zero | tr '\0' 'a' | sed 's/^/pin=1234\&door=/' > "$LK_TMP/big-body"
out=$(lk_phone --data-binary "@$LK_TMP/big-body" "$URL/action")
code=${out%% *}
case "$code" in 400|413) ;; *) lk_fail "oversize body answered $code" ;; esac
still_serving "oversize body"

lk_log "oversize header refused"
status=$( { printf 'GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: %s\r\n\r\n' "$(head -c 20000 /dev/zero | tr '\0' a)"; sleep 2; } | raw)
case "$status" in ""|"HTTP/1.1 400"*|"HTTP/1.1 431"*) ;; *) lk_fail "oversize header answered: $status" ;; esac
still_serving "oversize header"

lk_log "conflicting Content-Length and Transfer-Encoding refused"
status=$( { printf 'POST /action HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'; sleep 2; } | raw)
case "$status" in ""|"HTTP/1.1 400"*) ;; *) lk_fail "CL+TE answered: $status" ;; esac
still_serving "CL+TE"

lk_log "whitespace before the colon of Transfer-Encoding / Content-Length: 400"
for te in 'Transfer-Encoding : chunked' $'Transfer-Encoding\t: chunked' 'Transfer-Encoding   : chunked'; do
  status=$( { printf 'POST /action HTTP/1.1\r\nHost: localhost\r\nOrigin: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\n%s\r\n\r\n0\r\n\r\n' "$URL" "$te"; sleep 2; } | raw)
  case "$status" in "HTTP/1.1 400"*) ;; *) lk_fail "'$te' answered: $status" ;; esac
done
status=$( { printf 'GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length : 0\r\n\r\n'; sleep 2; } | raw)
case "$status" in "HTTP/1.1 400"*) ;; *) lk_fail "'Content-Length :' answered: $status" ;; esac
still_serving "framing headers with whitespace before the colon"

lk_log "obs-fold (a header line continued by one that starts with a space or tab): 400"
# lws 4.1 would read each continuation as a header named by it (up to the next colon, lines
# between swallowed: the third hides a Transfer-Encoding from lws); gateway/web/wire_fold.c
for fold in 'X-Note: a\r\n b' 'X-Note: a\r\n\tb' 'X-Note: a\r\n b: c' 'Accept: */*\r\n  x\r\nTransfer-Encoding: chunked'; do
  status=$( { printf "POST /action HTTP/1.1\r\nHost: localhost\r\nOrigin: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\n$fold\r\nAccept-Language: en\r\n\r\n0\r\n\r\n" "$URL"; sleep 2; } | raw)
  case "$status" in "HTTP/1.1 400"*) ;; *) lk_fail "fold '$fold' answered: $status" ;; esac
done
status=$( { printf 'GET / HTTP/1.1\r\nHost: localhost\r\nX-Note: a\r\n b\r\nAccept: */*\r\n\r\n'; sleep 2; } | raw)
case "$status" in "HTTP/1.1 400"*) ;; *) lk_fail "folded GET / answered: $status" ;; esac
lk_has -F "request refused for alice: obs-fold in its headers" < "$GATEWAY_LOG" || lk_fail "obs-fold not logged"
# The same requests unfolded are served: the check is the fold, not the headers.
status=$( { printf 'GET / HTTP/1.1\r\nHost: localhost\r\nX-Note: a b\r\nAccept: */*\r\n\r\n'; sleep 2; } | raw)
case "$status" in "HTTP/1.1 200"*) ;; *) lk_fail "unfolded GET / answered: $status" ;; esac
# A body that holds a line starting with a space is not a fold (Content-Length frames it),
# and the next request on the connection is read as a request again.
status=$( { printf 'POST /nowhere HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n\r\n\n a\nGET / HTTP/1.1\r\nHost: localhost\r\n\r\n'; sleep 2; } | raw)
case "$status" in "HTTP/1.1 404"*) ;; *) lk_fail "a body with a leading space answered: $status" ;; esac
still_serving "obs-fold"

lk_log "a Host header naming another site does not make its Origin ours"
EVIL="https://evil.example:$GATEWAY_PORT"
lk_phone "$URL/" >/dev/null
tok=$(lk_csrf_of "$LK_TMP/body")
out=$(lk_phone --http1.1 -H "Host: evil.example:$GATEWAY_PORT" -H "Origin: $EVIL" -d "csrf=$tok" -d pin=123456 -d door=door1 "$URL/action")
lk_expect_eq "$out" "403 csrf" "POST with Host and Origin of another site"
upgrade() { # HOST ORIGIN: the status line of a websocket upgrade
  { printf 'GET /ws HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: latchkey.v1\r\nOrigin: %s\r\n\r\n' "$1" "$2"; sleep 2; } | raw
}
status=$(upgrade "localhost:$GATEWAY_PORT" "$URL")
case "$status" in "HTTP/1.1 101"*) ;; *) lk_fail "websocket from our own origin answered: $status" ;; esac
status=$(upgrade "evil.example:$GATEWAY_PORT" "$EVIL")
case "$status" in "HTTP/1.1 101"*) lk_fail "websocket with Host and Origin of another site upgraded" ;; esac
grep -q "ws: upgrade refused for alice: missing or foreign Origin" "$GATEWAY_LOG" || lk_fail "foreign websocket not logged"

lk_log "a certificate whose CN is not a user name: a page and a log line that say so"
ca_sign_init "$SITE" "$LK_TMP/ca"
newkey "$LK_TMP/bad-name.key"
csr "$LK_TMP/bad-name.key" "mallory smith" "$LK_TMP/bad-name.csr"
ca_sign "$LK_TMP/bad-name.csr" "$LK_TMP/bad-name.crt" "$LK_TMP/ca/client.ext" "$(now_plus '-1 hour')" "$(now_plus '+1 day')" sha256
serial=$(openssl x509 -in "$LK_TMP/bad-name.crt" -noout -serial | cut -d= -f2)
code=$(curl -sS -o "$LK_TMP/bad-name.html" -w '%{http_code}' --max-time 10 --cacert "$PKI/ca/ca.crt" \
  --cert "$LK_TMP/bad-name.crt" --key "$LK_TMP/bad-name.key" "$URL/" 2>/dev/null) || code=curl-failed
lk_expect_eq "$code" 403 "a CN outside the user-name charset"
grep -q 'data-result="bad-name"' "$LK_TMP/bad-name.html" || lk_fail "no bad-name page: $(cat "$LK_TMP/bad-name.html")"
grep -qF "certificate name &#39;mallory smith&#39; is not a valid Latchkey user name" "$LK_TMP/bad-name.html" ||
  lk_fail "the page does not say what is wrong: $(cat "$LK_TMP/bad-name.html")"
grep -q "request refused: client certificate serial $serial: CN 'mallory smith' is not a valid Latchkey user name" "$GATEWAY_LOG" ||
  lk_fail "no log line with the serial $serial"

lk_log "slow clients do not hold the server"
for i in $(seq 1 20); do
  # Each sends half a request line and then nothing, for longer than this test waits.
  # Writer and reader are both started here and stopped by PID (the writer execs sleep).
  mkfifo "$LK_TMP/slow$i"
  ( printf 'GET / HTTP/1.1\r\nHost: loc'; exec sleep 60 ) > "$LK_TMP/slow$i" 2>/dev/null &
  LK_PIDS+=($!)
  timeout 70 openssl s_client -quiet -connect "localhost:$GATEWAY_PORT" -CAfile "$PKI/ca/ca.crt" \
    -cert "$PKI/issued/alice.crt" -key "$PKI/private/alice.key" < "$LK_TMP/slow$i" >/dev/null 2>&1 &
  LK_PIDS+=($!)
done
sleep 2
t0=$(date +%s%N)
still_serving "20 slow clients"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$ms" -lt 3000 ] || lk_fail "a normal request took $ms ms beside slow clients"
kill -0 "$GW_PID" || lk_fail "gateway died"
lk_log "all web attacks refused"
