#!/usr/bin/env bash
# spine.sh - phone → gateway → broker → device, end to end on loopback: a real Mosquitto
# with mTLS, latchkey-gateway, a simulated latchkey-device, and curl in the phone's place.
# usage: spine.sh SOURCE_DIR BUILD_DIR
# env: LK_WRAP="valgrind ..." prefixes the gateway and device commands (scripts/valgrind.sh);
#      LK_SLOW=N multiplies the waits and the ack timeout for such slow runs (default 1).
# shellcheck disable=SC2034 # BUILD is for the site helpers sourced below
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

lk_site_make --door "door1:Front door" --door "door2:Back door" --pin 246810 --ack-timeout-ms 5000
lk_site_start_broker
# Only door1 has a device: door2's commands are never acknowledged.
lk_site_start_device door1
lk_site_start_gateway
lk_site_wait_online door1

lk_log "GET / shows a PIN field and one button per door"
out=$(lk_phone "$URL/")
lk_expect_eq "${out%% *}" 200 "GET / status"
grep -q 'name="pin"' "$LK_TMP/body" || lk_fail "page has no PIN field"
grep -q 'value="door1"' "$LK_TMP/body" || lk_fail "page has no door1 button"
grep -q 'value="door2"' "$LK_TMP/body" || lk_fail "page has no door2 button"

lk_log "wrong PIN: refused, relay untouched"
out=$(lk_post -d pin=000000 -d door=door1 "$URL/action")
lk_expect_eq "$out" "403 wrong-pin" "wrong PIN"
lk_expect_eq "$(lk_relay_count door1 on)" 0 "relay pulses after a wrong PIN"

lk_log "right PIN: opened once the device acked, relay pulsed exactly once"
out=$(lk_post -d pin=$PIN -d door=door1 "$URL/action")
lk_expect_eq "$out" "200 opened" "right PIN"
relay_off_seen() { [ "$(lk_relay_count door1 off)" -ge 1 ]; }
lk_wait_for 5 "relay back off" relay_off_seen
sleep 1 # a second pulse (e.g. a duplicate delivery) would show up within this time
lk_expect_eq "$(lk_relay_count door1 on)" 1 "relay on transitions"
lk_expect_eq "$(lk_relay_count door1 off)" 1 "relay off transitions"

lk_log "a door without a device: honest 'not confirmed' after the ack timeout"
out=$(lk_post -d pin=$PIN -d door=door2 "$URL/action")
lk_expect_eq "$out" "504 not-confirmed" "door without device"

lk_log "a door that is not configured: refused"
out=$(lk_post -d pin=$PIN -d door=door9 "$URL/action")
case "$out" in 403\ forbidden|400\ bad-request) ;; *) lk_fail "unknown door: got '$out'" ;; esac
lk_expect_eq "$(lk_relay_count door1 on)" 1 "relay on transitions after refused actions"

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
lk_expect_eq "$(lk_relay_count door1 on)" 1 "relay on transitions at the end"

lk_log "all spine checks passed"
