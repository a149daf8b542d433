#!/usr/bin/env bash
# spine.sh - phone → gateway → broker → device, end to end on loopback: a real Mosquitto
# with mTLS, latchkey-gateway, a simulated latchkey-device, and curl in the phone's place.
# usage: spine.sh SOURCE_DIR BUILD_DIR
# env: LK_WRAP="valgrind ..." prefixes the gateway and device commands (scripts/valgrind.sh);
#      LK_SLOW=N multiplies the waits and the ack timeout for such slow runs (default 1).
ROOT=$1 BUILD=$2
SLOW=${LK_SLOW:-1}
. "$ROOT/tests/lib/testlib.sh"

BROKER_PORT=$(lk_free_port)
GATEWAY_PORT=$(lk_free_port)
SITE_DIR="$LK_TMP/site"
PIN=246810
bash "$ROOT/scripts/make-site.sh" --bin "$BUILD" --out "$SITE_DIR" --broker-port "$BROKER_PORT" \
  --gateway-port "$GATEWAY_PORT" --door "door1:Front door" --door "door2:Back door" \
  --pin "$PIN" --ack-timeout-ms $(( 2000 * SLOW )) >/dev/null
PKI="$SITE_DIR/pki"
RELAY_LOG="$SITE_DIR/relay-door1.log"
URL="https://localhost:$GATEWAY_PORT"

lk_start mosquitto mosquitto -c "$SITE_DIR/broker/mosquitto.conf"
lk_wait_port "$BROKER_PORT" $(( 10 * SLOW )) "$LK_LAST_PID"
# Only door1 has a device: door2's commands are never acknowledged.
lk_start device-door1 ${LK_WRAP:-} "$BUILD/firmware/port/posix/latchkey-device" -c "$SITE_DIR/device-door1.conf"
lk_start gateway ${LK_WRAP:-} "$BUILD/gateway/latchkey-gateway" -c "$SITE_DIR/gateway.conf"
lk_wait_port "$GATEWAY_PORT" $(( 10 * SLOW )) "$LK_LAST_PID"

# The device is up once its retained availability says so (read with the gateway's identity).
availability() {
  mosquitto_sub -h localhost -p "$BROKER_PORT" --cafile "$PKI/ca/ca.crt" \
    --cert "$PKI/issued/gateway.crt" --key "$PKI/private/gateway.key" \
    -i "spine-test-$$" -t latchkey/home/door1/availability -C 1 -W 2 2>/dev/null
}
device_online() { [ "$(availability)" = online ]; }
lk_wait_for $(( 15 * SLOW )) "device door1 online" device_online

# curl as alice's phone. Prints "<http status> <data-result>"; the body goes to $LK_TMP/body.
phone() {
  local code
  code=$(curl -sS -o "$LK_TMP/body" -w '%{http_code}' --max-time $(( 15 * SLOW )) --cacert "$PKI/ca/ca.crt" \
    --cert "$PKI/issued/alice.crt" --key "$PKI/private/alice.key" "$@") || code="curl-failed"
  echo "$code $(sed -n 's/.*data-result="\([a-z-]*\)".*/\1/p' "$LK_TMP/body" 2>/dev/null | head -n1)"
}
# A form POST as the browser sends it: same Origin and the CSRF token of a fresh GET /.
post() { # curl-args...
  local tok
  phone "$URL/" >/dev/null
  tok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$LK_TMP/body" | head -n1)
  phone -H "Origin: $URL" -d "csrf=$tok" "$@"
}
relay_count() { grep -c " $1\$" "$RELAY_LOG" 2>/dev/null || true; }

lk_log "GET / shows a PIN field and one button per door"
out=$(phone "$URL/")
lk_expect_eq "${out%% *}" 200 "GET / status"
grep -q 'name="pin"' "$LK_TMP/body" || lk_fail "page has no PIN field"
grep -q 'value="door1"' "$LK_TMP/body" || lk_fail "page has no door1 button"
grep -q 'value="door2"' "$LK_TMP/body" || lk_fail "page has no door2 button"

lk_log "wrong PIN: refused, relay untouched"
out=$(post -d pin=000000 -d door=door1 "$URL/action")
lk_expect_eq "$out" "403 wrong-pin" "wrong PIN"
lk_expect_eq "$(relay_count on)" 0 "relay pulses after a wrong PIN"

lk_log "right PIN: opened once the device acked, relay pulsed exactly once"
out=$(post -d pin=$PIN -d door=door1 "$URL/action")
lk_expect_eq "$out" "200 opened" "right PIN"
relay_off_seen() { [ "$(relay_count off)" -ge 1 ]; }
lk_wait_for 5 "relay back off" relay_off_seen
sleep 1 # a second pulse (e.g. a duplicate delivery) would show up within this time
lk_expect_eq "$(relay_count on)" 1 "relay on transitions"
lk_expect_eq "$(relay_count off)" 1 "relay off transitions"

lk_log "a door without a device: honest 'not confirmed' after the ack timeout"
out=$(post -d pin=$PIN -d door=door2 "$URL/action")
lk_expect_eq "$out" "504 not-confirmed" "door without device"

lk_log "a door that is not configured: refused"
out=$(post -d pin=$PIN -d door=door9 "$URL/action")
case "$out" in 403\ forbidden|400\ bad-request) ;; *) lk_fail "unknown door: got '$out'" ;; esac
lk_expect_eq "$(relay_count on)" 1 "relay on transitions after refused actions"

lk_log "no client certificate: the TLS handshake fails, HTTP is never reached"
set +e
code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$PKI/ca/ca.crt" "$URL/" 2>"$LK_TMP/nocert.err")
rc=$?
set -e
[ "$rc" -ne 0 ] || lk_fail "curl without a client certificate succeeded (HTTP $code)"
lk_expect_eq "$code" 000 "HTTP status without client certificate"

lk_log "a certificate from another CA: refused at TLS"
OTHER="$LK_TMP/other"
mkdir -p "$OTHER"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj "/CN=Other CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -keyout "$OTHER/ca.key" -out "$OTHER/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=alice" \
  -keyout "$OTHER/alice.key" -out "$OTHER/alice.csr" 2>/dev/null
printf 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n' > "$OTHER/ext"
openssl x509 -req -in "$OTHER/alice.csr" -CA "$OTHER/ca.crt" -CAkey "$OTHER/ca.key" -CAcreateserial \
  -days 30 -extfile "$OTHER/ext" -out "$OTHER/alice.crt" 2>/dev/null
set +e
code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$PKI/ca/ca.crt" \
  --cert "$OTHER/alice.crt" --key "$OTHER/alice.key" -d pin=$PIN -d door=door1 "$URL/action" 2>/dev/null)
rc=$?
set -e
[ "$rc" -ne 0 ] || lk_fail "curl with another CA's certificate succeeded (HTTP $code)"
lk_expect_eq "$code" 000 "HTTP status with another CA's certificate"
lk_expect_eq "$(relay_count on)" 1 "relay on transitions at the end"

lk_log "all spine checks passed"
