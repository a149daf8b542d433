#!/usr/bin/env bash
# h2.sh - the gateway over HTTP/2 against real peers: a site from scripts/make-site.sh, a real
# Mosquitto, simulated devices, curl --http2 and a python3-h2 client (h2_client.py, one
# connection per scenario) as the phone. Checks: ALPN h2 and HTTP/1.1 both served; the page
# with every security header over h2 (no connection header); POST /action opened with
# exactly one relay pulse; wrong PIN; CSRF (foreign Origin; Origin null refused on h2, where
# lws drops Sec-Fetch-Site); two actions on parallel streams of one connection (curl
# --parallel) and a fast and a never-acked action side by side (python); early answers on a
# stream leave its siblings alone (body drained), a huge announced body ends the connection;
# SETTINGS and the 4 KiB header limit; a client RST_STREAM and a closed connection while an
# action waits; websockets over h2 (RFC 8441) refused (Origin, subprotocol, path) and
# opened; the CRL swapped while an h2 connection with a websocket over h2 is open: the
# websocket closed with 1008, the next stream refused 403 "revoked", the connection closed.
# usage: h2.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is for the site helpers sourced below
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

curl --version | lk_has '^Features:.* HTTP2' || lk_fail "curl without HTTP/2 support"
# Debian's python3-h2 lives in the system python (a pyenv python3 may come first).
PY=python3
[ ! -x /usr/bin/python3 ] || PY=/usr/bin/python3
"$PY" -c 'import h2' 2>/dev/null || lk_fail "python3-h2 missing (scripts/install-deps.sh)"

# door3 has no device: its actions wait for the ack timeout (504 not-confirmed).
lk_site_make --door "door1:Front door" --door "door2:Back door" --door "door3:Shed" \
  --pin 135790 --ack-timeout-ms 2500
DEVICES=(door1 door2)
for d in "${DEVICES[@]}"; do # no minimum interval: the parallel actions pulse right after others
  sed -i 's/^\[relay\]$/[relay]\nmin_interval_ms = 0/' "$SITE/device-$d.conf"
done
lk_site_start_broker
for d in "${DEVICES[@]}"; do lk_site_start_device "$d"; done
lk_site_start_gateway
for d in "${DEVICES[@]}"; do lk_site_wait_online "$d"; done

H2=(--http2)
h2_client() { # SCENARIO ARGS...: one python3-h2 connection as alice; its lines go to the log
  local out="$LK_TMP/h2-$1.out"
  "$PY" "$ROOT/tests/gateway/h2_client.py" "$GATEWAY_PORT" "$PKI/ca/ca.crt" \
    "$PKI/issued/alice.crt" "$PKI/private/alice.key" "$@" >"$out" || lk_fail "$(tail -n1 "$out")"
  cat "$out" >&2
}
# Waits until DOOR's relay logged N pulses (on and off), then checks no more came.
pulses() {
  lk_wait_for 5 "$1: $2 relay pulses" bash -c "[ \$(grep -c ' off\$' '$SITE/relay-$1.log') -ge $2 ]"
  lk_expect_eq "$(lk_relay_count "$1" on)" "$2" "$1 relay on count"
}

lk_log "the page over HTTP/2: ALPN h2, every security header, no connection header"
out=$(lk_phone "${H2[@]}" -D "$LK_TMP/headers" "$URL/")
lk_expect_eq "$out" "200 " "GET / over h2"
head -n1 "$LK_TMP/headers" | lk_has '^HTTP/2 200' || lk_fail "not HTTP/2: $(head -n1 "$LK_TMP/headers")"
v=$(curl -sS -o /dev/null -w '%{http_version}' --http2 --cacert "$PKI/ca/ca.crt" \
  --cert "$PKI/issued/alice.crt" --key "$PKI/private/alice.key" "$URL/")
lk_expect_eq "$v" 2 "curl's %{http_version}"
for h in "content-security-policy: default-src 'none'; script-src 'self'" "x-frame-options: DENY" \
  "strict-transport-security: max-age=[1-9]" "referrer-policy: same-origin" \
  "x-content-type-options: nosniff" "permissions-policy: camera=()" \
  "cross-origin-opener-policy: same-origin" "cross-origin-resource-policy: same-origin" \
  "cache-control: no-store" "content-type: text/html" "content-length: [1-9]"; do
  grep -qi "^$h" "$LK_TMP/headers" || lk_fail "GET / over h2 lacks header '$h'"
done
if grep -qi '^connection:' "$LK_TMP/headers"; then lk_fail "connection header on h2"; fi
grep -q 'name="csrf" value="' "$LK_TMP/body" || lk_fail "no form on the h2 page"
out=$(lk_phone "${H2[@]}" -D "$LK_TMP/headers" "$URL/style.css")
lk_expect_eq "${out%% *}" 200 "GET /style.css over h2"
grep -qi '^cache-control: private, max-age=' "$LK_TMP/headers" || lk_fail "static asset not cacheable on h2"
out=$(lk_phone "${H2[@]}" "$URL/nope"); lk_expect_eq "${out%% *}" 404 "GET /nope over h2"

alpn() { # OFFER: the protocol the gateway picks by ALPN
  openssl s_client -connect "127.0.0.1:$GATEWAY_PORT" -servername localhost -alpn "$1" \
    -CAfile "$PKI/ca/ca.crt" -cert "$PKI/issued/alice.crt" -key "$PKI/private/alice.key" \
    </dev/null 2>/dev/null | sed -n 's/^ALPN protocol: //p'
}
lk_expect_eq "$(alpn h2,http/1.1)" h2 "ALPN for a client offering h2 and http/1.1"
lk_expect_eq "$(alpn http/1.1)" http/1.1 "ALPN for an HTTP/1.1-only client"

lk_log "HTTP/1.1 clients are still served; wrong PIN over both"
out=$(lk_phone --http1.1 -D "$LK_TMP/headers" "$URL/")
lk_expect_eq "$out" "200 " "GET / over HTTP/1.1"
head -n1 "$LK_TMP/headers" | lk_has '^HTTP/1.1 200' || lk_fail "not HTTP/1.1: $(head -n1 "$LK_TMP/headers")"
out=$(lk_post --http1.1 -d pin=000000 -d door=door1 "$URL/action")
lk_expect_eq "$out" "403 wrong-pin" "wrong PIN over HTTP/1.1"
out=$(lk_post "${H2[@]}" -d pin=000000 -d door=door1 "$URL/action")
lk_expect_eq "$out" "403 wrong-pin" "wrong PIN over h2"

# (The right PIN after the wrong ones: its verification is cached for the parallel actions.)
lk_log "POST /action over h2: opened, exactly one relay pulse; CSRF"
out=$(lk_post "${H2[@]}" -D "$LK_TMP/headers" -d "pin=$PIN" -d door=door1 "$URL/action")
lk_expect_eq "$out" "200 opened" "action over h2"
head -n1 "$LK_TMP/headers" | lk_has '^HTTP/2 200' || lk_fail "action not over h2"
pulses door1 1
out=$(lk_post "${H2[@]}" -H "Origin: https://evil.example" -d "pin=$PIN" -d door=door1 "$URL/action")
lk_expect_eq "$out" "403 csrf" "foreign Origin over h2"
out=$(lk_post "${H2[@]}" -H "Origin: null" -H "Sec-Fetch-Site: same-origin" -d "pin=$PIN" -d door=door1 "$URL/action")
lk_expect_eq "$out" "403 csrf" "Origin null over h2 (no Sec-Fetch-Site on h2)"
lk_expect_eq "$(lk_relay_count door1 on)" 1 "relay moved after refused actions"
grep -q "request refused: csrf user=alice reason=cross-origin request (Origin)" "$GATEWAY_LOG" ||
  lk_fail "csrf refusal over h2 not logged"

lk_log "two actions on parallel streams of one connection (curl --parallel)"
lk_phone "$URL/" >/dev/null
tok=$(lk_csrf_of "$LK_TMP/body")
[ -n "$tok" ] || lk_fail "no form token"
curl -sS --max-time 15 --http2 --parallel --parallel-max 2 --cacert "$PKI/ca/ca.crt" \
  --cert "$PKI/issued/alice.crt" --key "$PKI/private/alice.key" \
  -w '%{http_version} %{http_code} %{num_connects}\n' \
  -H "Origin: $URL" -d "csrf=$tok" -d "pin=$PIN" -d door=door1 -o "$LK_TMP/par1" "$URL/action" --next \
  --http2 --cacert "$PKI/ca/ca.crt" --cert "$PKI/issued/alice.crt" --key "$PKI/private/alice.key" \
  -w '%{http_version} %{http_code} %{num_connects}\n' \
  -H "Origin: $URL" -d "csrf=$tok" -d "pin=$PIN" -d door=door2 -o "$LK_TMP/par2" "$URL/action" \
  >"$LK_TMP/parallel.out" 2>"$LK_TMP/parallel.err" || lk_fail "curl --parallel: $(cat "$LK_TMP/parallel.err")"
lk_expect_eq "$(sort "$LK_TMP/parallel.out" | tr '\n' ' ')" "2 200 0 2 200 1 " \
  "versions, statuses and new connections of the parallel transfers"
for f in par1 par2; do grep -q 'data-result="opened"' "$LK_TMP/$f" || lk_fail "$f: $(cat "$LK_TMP/$f")"; done
pulses door1 2
pulses door2 1

lk_log "python3-h2: fast and never-acked actions side by side; early answers; limits; RST_STREAM;"
lk_log "a connection closed while its action waits; websockets over h2 refused and opened"
h2_client parallel "$PIN" door1 door3
pulses door1 3
h2_client early
h2_client huge
h2_client limits
h2_client reset "$PIN" door3
h2_client abandon "$PIN" door3
# (logged when its ack times out; "reason=client-gone" if its PIN check was still running)
gone() { grep -Eq 'door=door3 .*(reason=timeout.*\(client gone\)|reason=client-gone)' "$GATEWAY_LOG"; }
lk_wait_for 10 "the abandoned stream's action logged as client gone" gone
h2_client ws-checks
lk_expect_eq "$(lk_relay_count door1 on)" 3 "door1 pulses after the python scenarios"
out=$(lk_phone "${H2[@]}" "$URL/")
lk_expect_eq "${out%% *}" 200 "GET / after the python scenarios"

lk_log "CRL swapped while an h2 connection and a websocket over h2 are open"
lk_start h2-revoke "$PY" "$ROOT/tests/gateway/h2_client.py" "$GATEWAY_PORT" "$PKI/ca/ca.crt" \
  "$PKI/issued/alice.crt" "$PKI/private/alice.key" revoke
REVOKE_PID=$LK_LAST_PID
lk_wait_for 15 "websocket over h2 open" grep -q '^ok websocket over HTTP/2 (extended CONNECT)' "$LK_TMP/h2-revoke.log"
lk_site_certs revoke alice --reason keyCompromise >/dev/null
lk_site_certs crl --out "$PKI/crl.pem" >/dev/null
lk_wait_for 25 "the revoke scenario to finish" bash -c "! kill -0 $REVOKE_PID"
rc=0
wait "$REVOKE_PID" || rc=$?
cat "$LK_TMP/h2-revoke.log" >&2
lk_expect_eq "$rc" 0 "revoke scenario exit code"
grep -q "ws: closing websocket of alice: certificate revoked" "$GATEWAY_LOG" || lk_fail "ws revocation not logged"
grep -q "request refused: client certificate revoked" "$GATEWAY_LOG" || lk_fail "h2 revocation not logged"
out=$(lk_phone "${H2[@]}" "$URL/")
lk_expect_eq "$out" "curl-failed " "a new h2 handshake with the revoked certificate"
kill -0 "$GW_PID" || lk_fail "gateway died"
lk_log "all HTTP/2 checks passed"
