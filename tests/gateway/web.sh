#!/usr/bin/env bash
# web.sh - the gateway's web side against real peers: a site from
# scripts/make-site.sh, a real Mosquitto, a simulated latchkey-device, curl / openssl s_client
# / a python3-websockets client as the phone. Checks: security headers and static assets,
# CSRF (Origin rule and form token), the live-status websocket (subprotocol, Origin, door
# availability, own results), metrics and /healthz on the loopback listener, SIGHUP reload,
# TLS 1.1 refused, a CRL swapped while running (in force within 1 s by the gateway's log, then
# a new handshake refused, an open keep-alive connection and an open websocket refused at
# their next request), and an
# expired CRL (everything refused, logged, /healthz 503).
# usage: web.sh SOURCE_DIR BUILD_DIR
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

for tool in mosquitto curl openssl python3; do
  command -v "$tool" >/dev/null || lk_fail "missing tool: $tool"
done
# Debian's python3-websockets lives in the system python (a pyenv python3 may come first).
PY=python3
[ ! -x /usr/bin/python3 ] || PY=/usr/bin/python3
"$PY" -c 'import websockets' 2>/dev/null || lk_fail "python3-websockets missing (scripts/install-deps.sh)"

lk_site_make --door "door1:Front door" --door "door2:Back door" --pin 135790 --ack-timeout-ms 8000
grep -q "^crl = " "$CONF" || lk_fail "make-site.sh wrote no crl key"
lk_site_metrics
lk_site_certs issue client bob >/dev/null  # a valid certificate that is not a user

lk_site_start_broker
lk_site_start_device door1
DEVICE_PID=$LK_LAST_PID
lk_site_start_gateway
lk_wait_port "$METRICS_PORT" 10 "$GW_PID"

ORIGIN=$URL
# curl as a phone: WHO curl-args... -> "<status> <data-result>" ("curl-failed" for no HTTP
# answer); body, headers in $LK_TMP.
phone() { local who=$1; shift; LK_AS=$who lk_phone -D "$LK_TMP/headers" "$@"; }
token() { # a fresh form token from GET /
  phone alice "$URL/" >/dev/null
  lk_csrf_of "$LK_TMP/body"
}
metric() { curl -sS --max-time 5 "$MURL/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
ws_client() { # NAME args... : background websocket client, lines in $LK_TMP/NAME.log
  local name=$1; shift
  lk_start "$name" "$PY" "$ROOT/tests/gateway/ws_client.py" "wss://localhost:$GATEWAY_PORT/ws" \
    "$PKI/ca/ca.crt" "$@"
}
lk_site_wait_online door1

lk_log "descriptor limit: the gateway holds its own bound (8192), whatever it inherited"
soft=$(awk '/^Max open files/ { print $4 }' "/proc/$GW_PID/limits")
hard=$(awk '/^Max open files/ { print $5 }' "/proc/$GW_PID/limits")
if [ "$hard" = unlimited ] || [ "$hard" -ge 8192 ]; then
  lk_expect_eq "$soft" 8192 "gateway soft RLIMIT_NOFILE"
else
  lk_expect_eq "$soft" "$hard" "gateway soft RLIMIT_NOFILE (hard limit below 8192)"
fi

lk_log "headers: security set on the page, no-store on dynamic, cacheable static assets"
out=$(phone alice "$URL/")
lk_expect_eq "${out%% *}" 200 "GET /"
for h in "content-security-policy: default-src 'none'; script-src 'self'" "x-frame-options: DENY" \
  "strict-transport-security: max-age" "referrer-policy: same-origin" "x-content-type-options: nosniff" \
  "permissions-policy: camera=()" "cache-control: no-store"; do
  grep -qi "^$h" "$LK_TMP/headers" || lk_fail "GET / lacks header '$h'"
done
grep -q 'name="csrf" value="[0-9]*\.[A-Za-z0-9_-]\{43\}"' "$LK_TMP/body" || lk_fail "no CSRF token in the form"
grep -q '<script src="/app.js"' "$LK_TMP/body" || lk_fail "page does not load /app.js"
grep -q 'rel="manifest" href="/manifest.webmanifest"' "$LK_TMP/body" || lk_fail "no manifest link"
if grep -q '<script>' "$LK_TMP/body"; then lk_fail "inline script on the page"; fi
for a in app.js:text/javascript manifest.webmanifest:application/manifest+json icon.svg:image/svg+xml style.css:text/css; do
  out=$(phone alice "$URL/${a%%:*}")
  lk_expect_eq "${out%% *}" 200 "GET /${a%%:*}"
  grep -qi "^content-type: ${a#*:}" "$LK_TMP/headers" || lk_fail "/${a%%:*} content type"
  grep -qi '^cache-control: private, max-age=' "$LK_TMP/headers" || lk_fail "/${a%%:*} not cacheable"
  grep -qi "^content-security-policy:" "$LK_TMP/headers" || lk_fail "/${a%%:*} without CSP"
done
grep -q "prefers-color-scheme:dark" "$LK_TMP/body" || lk_fail "no dark mode in style.css"

lk_log "websocket: subprotocol required, Origin checked, door availability pushed"
ws_client ws-nosub "$PKI/issued/alice.crt" "$PKI/private/alice.key" --origin "$ORIGIN" --no-subprotocol --seconds 5
ws_client ws-evil "$PKI/issued/alice.crt" "$PKI/private/alice.key" --origin "https://evil.example" --seconds 5
ws_client ws-bob "$PKI/issued/bob.crt" "$PKI/private/bob.key" --origin "$ORIGIN" --seconds 5
ws_client ws-alice "$PKI/issued/alice.crt" "$PKI/private/alice.key" --origin "$ORIGIN" --seconds 60
for c in ws-nosub ws-evil ws-bob; do
  lk_wait_for 10 "$c refused" grep -q '^refused' "$LK_TMP/$c.log"
done
lk_wait_for 10 "websocket open with latchkey.v1" grep -q '^open latchkey.v1' "$LK_TMP/ws-alice.log"
lk_wait_for 10 "door1 online on the websocket" grep -q '"door":"door1","label":"Front door","availability":"online"' "$LK_TMP/ws-alice.log"
grep -q '"door":"door2"' "$LK_TMP/ws-alice.log" || lk_fail "door2 missing from the door list"

lk_log "CSRF: foreign Origin, cross-site fetch, no Origin at all, missing or bad token: 403 csrf"
T=$(token)
[ -n "$T" ] || lk_fail "no token"
out=$(phone alice -H "Origin: https://evil.example" -d "csrf=$T" -d pin=$PIN -d door=door1 "$URL/action")
lk_expect_eq "$out" "403 csrf" "foreign Origin"
out=$(phone alice -H "Sec-Fetch-Site: cross-site" -d "csrf=$T" -d pin=$PIN -d door=door1 "$URL/action")
lk_expect_eq "$out" "403 csrf" "Sec-Fetch-Site cross-site"
out=$(phone alice -d "csrf=$T" -d pin=$PIN -d door=door1 "$URL/action")
lk_expect_eq "$out" "403 csrf" "no Origin, no Sec-Fetch-Site"
out=$(phone alice -H "Origin: $ORIGIN" -d pin=$PIN -d door=door1 "$URL/action")
lk_expect_eq "$out" "403 csrf" "no token"
out=$(phone alice -H "Origin: $ORIGIN" -d "csrf=${T%?}x" -d pin=$PIN -d door=door1 "$URL/action")
lk_expect_eq "$out" "403 csrf" "tampered token"
lk_expect_eq "$(grep -c 'request refused: csrf' "$GATEWAY_LOG")" 5 "csrf refusals logged (so far)"
lk_expect_eq "$(lk_relay_count door1 on)" 0 "relay moves after CSRF refusals"

lk_log "same-origin POST with the token: opened; the websocket shows the result"
out=$(phone alice -H "Origin: $ORIGIN" -H "Sec-Fetch-Site: same-origin" -d "csrf=$T" -d pin=$PIN -d door=door1 "$URL/action")
lk_expect_eq "$out" "200 opened" "same-origin POST"
lk_wait_for 5 "result on the websocket" grep -q '"type":"result","door":"door1","result":"opened"' "$LK_TMP/ws-alice.log"
# What a browser sends under Referrer-Policy: no-referrer: Origin null, Sec-Fetch-Site same-origin
# (HTTP/1.1: lws 4.1 drops Sec-Fetch-Site on HTTP/2, where this is refused: tests/gateway/h2.sh).
out=$(phone alice --http1.1 -H "Origin: null" -H "Sec-Fetch-Site: same-origin" -d "csrf=$T" -d pin=000000 -d door=door1 "$URL/action")
lk_expect_eq "$out" "403 wrong-pin" "Origin null + Sec-Fetch-Site same-origin passes CSRF"
out=$(phone alice -H "Origin: null" -d "csrf=$T" -d pin=$PIN -d door=door1 "$URL/action")
lk_expect_eq "$out" "403 csrf" "Origin null alone"
out=$(phone alice -H "Origin: $ORIGIN" -H "Transfer-Encoding: chunked" -d "csrf=$T" -d pin=$PIN -d door=door1 "$URL/action")
lk_expect_eq "$out" "400 bad-request" "chunked form"
out=$(phone alice -H "Origin: $ORIGIN" -d "csrf=$T" -d "pin=$PIN&x" -d door=door1 -H 'Content-Type: text/plain' "$URL/action")
case "$out" in 400\ *|403\ *) ;; *) lk_fail "malformed form: got '$out'" ;; esac

lk_log "metrics and /healthz on the loopback listener (csrf refusals: 6 POSTs + 1 websocket Origin)"
body=$(curl -sS --max-time 5 "$MURL/metrics")
for m in 'latchkey_mqtt_connected 1' 'latchkey_crl_valid 1' 'latchkey_action_results_total{result="opened"} 1' \
  'latchkey_requests_refused_total{reason="csrf"} 7' 'latchkey_ack_latency_seconds_count 1' \
  '# TYPE latchkey_ack_latency_seconds histogram' 'latchkey_websockets_open 1'; do
  grep -qF "$m" <<<"$body" || lk_fail "metrics lack '$m': $body"
done
grep -q '^latchkey_http_requests_total [1-9]' <<<"$body" || lk_fail "no request count"
grep -q '^latchkey_tls_handshake_failures_total ' <<<"$body" || lk_fail "no handshake failure count"
grep -q '^latchkey_heap_in_use_bytes [1-9]' <<<"$body" || lk_fail "no heap in use gauge"
code=$(curl -sS -o "$LK_TMP/health" -w '%{http_code}' --max-time 5 "$MURL/healthz")
lk_expect_eq "$code $(cat "$LK_TMP/health")" "200 ok" "/healthz"
set +e
"$BUILD/gateway/latchkey-gateway" -c <(sed "/^\[metrics\]/,\$ s/^listen = .*/listen = 0.0.0.0/" "$CONF") \
  >"$LK_TMP/nonloop.out" 2>&1
set -e
grep -q "not a loopback address" "$LK_TMP/nonloop.out" || lk_fail "non-loopback metrics listen accepted: $(cat "$LK_TMP/nonloop.out")"

lk_log "the device goes away: the websocket says offline"
kill -KILL "$DEVICE_PID"
lk_wait_for 10 "door1 offline on the websocket" grep -q '"door":"door1","label":"Front door","availability":"offline"' "$LK_TMP/ws-alice.log"

lk_log "SIGHUP: a new door label is applied, a port change is logged as needing a restart"
sed -i "s/^label = Back door$/label = Garden gate/; 0,/^port = $GATEWAY_PORT$/ s//port = 1/" "$CONF"
kill -HUP "$GW_PID"
lk_wait_for 5 "reload logged" grep -q "reload: .* applied" "$GATEWAY_LOG"
grep -q "reload: \[server\] changed: needs a restart" "$GATEWAY_LOG" || lk_fail "restart-only change not logged"
out=$(phone alice "$URL/")
grep -q "Garden gate" "$LK_TMP/body" || lk_fail "new label not on the page"
lk_wait_for 5 "new label on the websocket" grep -q '"label":"Garden gate"' "$LK_TMP/ws-alice.log"
kill -0 "$GW_PID" || lk_fail "gateway died on SIGHUP"

lk_log "TLS 1.1 is refused"
set +e
openssl s_client -connect "127.0.0.1:$GATEWAY_PORT" -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' \
  -cert "$PKI/issued/alice.crt" -key "$PKI/private/alice.key" </dev/null >"$LK_TMP/tls11.out" 2>&1
rc=$?
set -e
[ "$rc" -ne 0 ] || lk_fail "TLS 1.1 handshake succeeded: $(tail -5 "$LK_TMP/tls11.out")"
grep -q "Cipher is (NONE)" "$LK_TMP/tls11.out" || lk_fail "TLS 1.1: a cipher was negotiated"

lk_log "revocation while running: open keep-alive connection and websocket, then a new CRL"
lk_keepalive_open keepalive alice
lk_keepalive_get keepalive /
lk_wait_for 10 "first answer on the kept-alive connection" grep -q '</html>' "$LK_TMP/keepalive.log"
grep -q '^HTTP/1.1 200' "$LK_TMP/keepalive.log" || lk_fail "first keep-alive request: $(head -3 "$LK_TMP/keepalive.log")"
reloads=$(lk_site_crl_reloads)
lk_site_certs revoke alice --reason keyCompromise >/dev/null
lk_site_certs crl --out "$PKI/crl.pem" >/dev/null
written_ms=$(stat -c %.3Y "$PKI/crl.pem" | tr -d .)
lk_site_wait_crl_reload "$reloads"
# In force within 1 s: measured by the gateway's own clock (its log line), not by how fast a
# curl started after the write can run on a busy machine.
at=$(grep 'crl: .* reloaded: ok$' "$GATEWAY_LOG" | tail -n 1 | cut -d' ' -f1)
in_force=$(( $(date -d "$at" +%s%3N) - written_ms ))
[ "$in_force" -le 1000 ] || lk_fail "the gateway put the new CRL in force $in_force ms after it was written (1 s at most)"
out=$(phone alice "$URL/")
lk_expect_eq "${out%% *}" curl-failed "a new handshake with the revoked certificate after the CRL reload"
lk_log "new CRL in force ${in_force} ms after it was written; a new handshake is refused"
grep -q "client certificate refused: certificate revoked" "$GATEWAY_LOG" || lk_fail "revoked handshake not logged"
out=$(phone bob "$URL/")
lk_expect_eq "$out" "403 forbidden" "an unrevoked certificate after the new CRL"
lk_keepalive_get keepalive /style.css
lk_wait_for 5 "second answer on the kept-alive connection" grep -q '^HTTP/1.1 403' "$LK_TMP/keepalive.log"
grep -q 'data-result="revoked"' "$LK_TMP/keepalive.log" || lk_fail "keep-alive refusal page"
lk_keepalive_close keepalive
lk_wait_for 5 "websocket closed with 1008" grep -q '^closed 1008' "$LK_TMP/ws-alice.log"
grep -q "request refused: client certificate revoked" "$GATEWAY_LOG" || lk_fail "keep-alive refusal not logged"

lk_log "an expired CRL: every client refused, logged, /healthz 503"
out=$(phone bob "$URL/")
lk_expect_eq "${out%% *}" 403 "bob before the expired CRL"
lk_site_crl_dated '-2 days' '-1 day' "$PKI/crl.pem"
lk_wait_for 3 "expired CRL logged" grep -q "crl: .* is expired: refusing the client certificates of each CA whose CRL is expired" "$GATEWAY_LOG"
out=$(phone bob "$URL/")
lk_expect_eq "${out%% *}" curl-failed "bob with an expired CRL"
grep -q "client certificate refused: CRL has expired" "$GATEWAY_LOG" || lk_fail "expired-CRL handshake refusal not logged"
code=$(curl -sS -o "$LK_TMP/health" -w '%{http_code}' --max-time 5 "$MURL/healthz")
lk_expect_eq "$code" 503 "/healthz with an expired CRL"
grep -q "crl expired" "$LK_TMP/health" || lk_fail "/healthz reason: $(cat "$LK_TMP/health")"
lk_expect_eq "$(metric latchkey_crl_valid)" 0 "latchkey_crl_valid"

lk_log "a current CRL again: bob is let in again"
lk_site_certs crl --out "$PKI/crl.pem" >/dev/null
ok_again() { [ "$(phone bob "$URL/")" = "403 forbidden" ]; }
lk_wait_for 3 "bob accepted at TLS again" ok_again
lk_log "all web checks passed"
