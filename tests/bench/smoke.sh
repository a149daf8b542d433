#!/usr/bin/env bash
# smoke.sh - keeps the benchmark tool from rotting (ctest bench_smoke, label bench): builds
# nothing itself; runs latchkey-bench for about 3 s against the gateway of a fresh site
# (Mosquitto and one simulated device on loopback, no peers, no extra packages) in every
# mode, and asserts that each run completes with 0 errors. Never asserts timing.
# usage: smoke.sh SOURCE_DIR BUILD_DIR
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"

BENCH="$BUILD/tests/bench/latchkey-bench"
[ -x "$BENCH" ] || lk_fail "$BENCH not built"
lk_free_port BROKER_PORT
lk_free_port GATEWAY_PORT
SITE="$LK_TMP/site"
PIN=135790
bash "$ROOT/scripts/make-site.sh" --bin "$BUILD" --out "$SITE" --broker-port "$BROKER_PORT" \
  --gateway-port "$GATEWAY_PORT" --door "door1:Front door" --pin "$PIN" >/dev/null
PKI="$SITE/pki"
# A short pulse and no pause after it, so that back-to-back actions are not "busy".
sed -i -e 's/^pulse_ms = .*/pulse_ms = 50/' -e '$a min_interval_ms = 0' "$SITE/device-door1.conf"

# The availability check below has an identity of its own: the broker names every session by
# its certificate's CN, so using the gateway's certificate would take the gateway's session over.
LATCHKEY_CA_PASSPHRASE=$(cat "$SITE/ca.passphrase") "$BUILD/certs-tool/latchkey-certs" -d "$PKI" \
  issue client test-watch >/dev/null
printf '\n# Test tool (tests/bench/smoke.sh)\nuser test-watch\ntopic read latchkey/home/+/availability\n' \
  >>"$SITE/broker/acl"

lk_start mosquitto mosquitto -c "$SITE/broker/mosquitto.conf"
lk_wait_port "$BROKER_PORT" 10 "$LK_LAST_PID"
lk_start device "$BUILD/firmware/port/posix/latchkey-device" -c "$SITE/device-door1.conf"
lk_start gateway "$BUILD/gateway/latchkey-gateway" -c "$SITE/gateway.conf"
lk_wait_port "$GATEWAY_PORT" 10 "$LK_LAST_PID"

CLIENT=(--port "$GATEWAY_PORT" --cert "$PKI/issued/alice.crt" --key "$PKI/private/alice.key")
run() { # NAME latchkey-bench-args...: runs it, fails the test on errors
  local name=$1 out; shift
  out=$("$BENCH" "${CLIENT[@]}" "$@" 2>"$LK_TMP/bench-$name.log") \
    || { cat "$LK_TMP/bench-$name.log" >&2; lk_fail "$name: latchkey-bench failed: $out"; }
  lk_log "$name: $out"
  case "$out" in *" errors=0 "*) ;; *) lk_fail "$name: errors reported: $out" ;; esac
}

lk_log "handshake mode (a full mTLS handshake per request)"
run handshake --mode handshake --conns 4 --duration 1 --ca "$PKI/ca/ca.crt"
lk_log "keep-alive mode"
run keepalive --mode keepalive --conns 4 --duration 1 --path /style.css
lk_log "websockets (subprotocol latchkey.v1, Origin checked)"
run ws --mode ws --conns 20 --hold 0.3 --duration 5
out=$("$BENCH" "${CLIENT[@]}" --mode ws --conns 3 --hold 0.2 --duration 5) || true
case "$out" in *"ws_open=3"*) ;; *) lk_fail "ws: not all websockets opened: $out" ;; esac

lk_log "device online, then actions: GET / for the CSRF token, POST /action with Origin"
availability() {
  mosquitto_sub -h localhost -p "$BROKER_PORT" --cafile "$PKI/ca/ca.crt" \
    --cert "$PKI/issued/test-watch.crt" --key "$PKI/private/test-watch.key" -i latchkey-test-watch \
    -t latchkey/home/door1/availability -C 1 -W 2 2>/dev/null
}
device_online() { [ "$(availability)" = online ]; }
lk_wait_for 15 "device door1 online" device_online
run action --mode action --conns 1 --pin "$PIN" --door door1 --requests 3 --think-ms 100 --duration 10

lk_log "loopback only: another address is refused"
if "$BENCH" "${CLIENT[@]}" --host 192.0.2.1 --duration 1 >/dev/null 2>&1; then
  lk_fail "latchkey-bench accepted a non-loopback address"
fi
lk_log "bench smoke passed"
