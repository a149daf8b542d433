#!/usr/bin/env bash
# demo.sh - brings the whole of Latchkey up on this machine: installs what is missing,
# builds, makes a demo PKI and configs (scripts/make-site.sh), then starts a real Mosquitto
# with mTLS on loopback, one simulated latchkey-device per door and latchkey-gateway on
# https://localhost:8443. Prints what a phone or curl needs. Ctrl-C stops all it started.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${LATCHKEY_BUILD_DIR:-$ROOT/build}
RUN=${LATCHKEY_DEMO_DIR:-$BUILD/demo}
GATEWAY_PORT=${LATCHKEY_GATEWAY_PORT:-8443}
BROKER_PORT=${LATCHKEY_BROKER_PORT:-8883}

bash "$ROOT/scripts/install-deps.sh"
cmake -S "$ROOT" -B "$BUILD" >/dev/null
cmake --build "$BUILD" -j"$(nproc)" >/dev/null

for port in "$GATEWAY_PORT" "$BROKER_PORT"; do
  if [ -n "$(ss -Hltn "sport = :$port")" ]; then
    echo "demo: port $port is already in use (set LATCHKEY_GATEWAY_PORT / LATCHKEY_BROKER_PORT)" >&2
    exit 1
  fi
done

# A fresh site every run: the demo PKI is throw-away.
rm -rf "$RUN"
bash "$ROOT/scripts/make-site.sh" --bin "$BUILD" --out "$RUN" \
  --broker-port "$BROKER_PORT" --gateway-port "$GATEWAY_PORT" \
  --door "door1:Front door" --door "garage:Garage" >/dev/null

PIDS=()
stop_all() {
  local pid
  trap - INT TERM EXIT
  echo
  echo "demo: stopping"
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_all EXIT
trap 'exit 130' INT TERM

wait_port() { # PORT PID NAME: bounded wait for a listener
  local i
  for i in $(seq 1 100); do
    [ -z "$(ss -Hltn "sport = :$1")" ] || return 0
    kill -0 "$2" 2>/dev/null || { echo "demo: $3 exited; see $RUN/$3.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "demo: $3 does not listen on port $1; see $RUN/$3.log" >&2
  exit 1
}

mosquitto -c "$RUN/broker/mosquitto.conf" >"$RUN/mosquitto.log" 2>&1 &
PIDS+=($!)
wait_port "$BROKER_PORT" "$!" mosquitto
for conf in "$RUN"/device-*.conf; do
  name=$(basename "$conf" .conf)
  "$BUILD/firmware/port/posix/latchkey-device" -c "$conf" >"$RUN/$name.log" 2>&1 &
  PIDS+=($!)
done
"$BUILD/gateway/latchkey-gateway" -c "$RUN/gateway.conf" >"$RUN/gateway.log" 2>&1 &
PIDS+=($!)
wait_port "$GATEWAY_PORT" "$!" gateway

cat <<INFO

Latchkey demo is running.
  URL            https://localhost:$GATEWAY_PORT/
  phone .p12     $RUN/alice.p12   (import it into the browser or phone; user "alice")
  .p12 password  $(cat "$RUN/alice.p12.password")
  PIN            $(cat "$RUN/pin")
  CA to trust    $RUN/pki/ca/ca.crt
  relay logs     $RUN/relay-*.log   (one line per relay transition)
  process logs   $RUN/*.log

Try it with curl:
  curl --cacert $RUN/pki/ca/ca.crt --cert $RUN/pki/issued/alice.crt \\
       --key $RUN/pki/private/alice.key -d pin=$(cat "$RUN/pin") -d door=door1 \\
       https://localhost:$GATEWAY_PORT/action

Ctrl-C stops everything.
INFO

# Keep running until Ctrl-C or until one of the parts dies.
while true; do
  for pid in "${PIDS[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "demo: a process ($pid) exited; see the logs in $RUN" >&2
      exit 1
    fi
  done
  sleep 1
done
