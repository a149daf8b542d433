#!/usr/bin/env bash
# broker_outage.sh - an action attempted while the broker is down is answered at once with
# "broker-unavailable" and never executes after the broker comes back; once gateway and
# device have reconnected, a new action opens the door.
# usage: broker_outage.sh SOURCE_DIR BUILD_DIR
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"

BROKER_PORT=$(lk_free_port)
GATEWAY_PORT=$(lk_free_port)
SITE="$LK_TMP/site"
PIN=864200
bash "$ROOT/scripts/make-site.sh" --bin "$BUILD" --out "$SITE" --broker-port "$BROKER_PORT" \
  --gateway-port "$GATEWAY_PORT" --pin "$PIN" --ack-timeout-ms 3000 >/dev/null
PKI="$SITE/pki"
RELAY_LOG="$SITE/relay-door1.log"

lk_start mosquitto mosquitto -c "$SITE/broker/mosquitto.conf"
BROKER_PID=$LK_LAST_PID
lk_wait_port "$BROKER_PORT" 10 "$BROKER_PID"
lk_start device "$BUILD/firmware/port/posix/latchkey-device" -c "$SITE/device-door1.conf"
lk_start gateway "$BUILD/gateway/latchkey-gateway" -c "$SITE/gateway.conf"
lk_wait_port "$GATEWAY_PORT" 10 "$LK_LAST_PID"

action() { # prints "<status> <data-result>" and the time taken in ms
  local t0=$(date +%s%N) code
  # As a browser posts: same Origin and the CSRF token of the page (docs/gateway.md, CSRF).
  local tok
  tok=$(curl -sS --max-time 15 --cacert "$PKI/ca/ca.crt" --cert "$PKI/issued/alice.crt" \
    --key "$PKI/private/alice.key" "https://localhost:$GATEWAY_PORT/" |
    sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n1) || tok=""
  code=$(curl -sS -o "$LK_TMP/body" -w '%{http_code}' --max-time 15 --cacert "$PKI/ca/ca.crt" \
    --cert "$PKI/issued/alice.crt" --key "$PKI/private/alice.key" -d pin=$PIN -d door=door1 \
    -d "csrf=$tok" -H "Origin: https://localhost:$GATEWAY_PORT" \
    "https://localhost:$GATEWAY_PORT/action") || code=curl-failed
  echo "$code $(sed -n 's/.*data-result="\([a-z-]*\)".*/\1/p' "$LK_TMP/body" | head -n1) $(( ($(date +%s%N) - t0) / 1000000 ))"
}
relay_ons() { grep -c ' on$' "$RELAY_LOG" 2>/dev/null || true; }
opens() { set -- $(action); [ "$1 $2" = "200 opened" ]; }
lk_wait_for 15 "a first action opens (everything connected)" opens
lk_expect_eq "$(relay_ons)" 1 "relay pulses after the first action"

lk_log "broker stopped: the action is refused at once"
lk_stop "$BROKER_PID"
sleep 0.5
set -- $(action)
lk_expect_eq "$1 $2" "503 broker-unavailable" "action during the outage"
[ "$3" -lt 2000 ] || lk_fail "broker-unavailable took $3 ms"

lk_log "broker back: nothing executes late"
lk_start mosquitto2 mosquitto -c "$SITE/broker/mosquitto.conf"
lk_wait_port "$BROKER_PORT" 10 "$LK_LAST_PID"
sleep 4 # gateway and device reconnect; a queued command would arrive now
lk_expect_eq "$(relay_ons)" 1 "relay pulses after the broker came back"

lk_log "after reconnecting, a new action opens"
sleep 1.5 # the device's minimum interval between pulses has long passed; reconnects settle
lk_wait_for 20 "an action opens after the outage" opens
lk_expect_eq "$(relay_ons)" 2 "relay pulses at the end"
lk_log "outage handled"
