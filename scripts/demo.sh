#!/usr/bin/env bash
# demo.sh - brings the whole of Latchkey up on this machine: installs what is missing (the
# runtime set of scripts/install-deps.sh only: no test tools), builds the three programs
# (not the tests) in build-demo/, makes a demo PKI and configs (scripts/make-site.sh), then
# starts a real Mosquitto with mTLS on loopback, one simulated latchkey-device per door and
# latchkey-gateway on https://localhost:8443. Says what it is doing while it installs and
# builds. Prints what a phone or curl needs. Ctrl-C stops all it started.
# env: LATCHKEY_DEMO_BUILD_DIR (default build-demo), LATCHKEY_DEMO_DIR (the site, default
#      BUILD/demo), LATCHKEY_GATEWAY_PORT (8443), LATCHKEY_BROKER_PORT (8883),
#      LATCHKEY_DEMO_BIN=DIR: use the programs already built in DIR (a build tree) instead.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${LATCHKEY_DEMO_BUILD_DIR:-$ROOT/build-demo}
BIN=${LATCHKEY_DEMO_BIN:-$BUILD}
RUN=${LATCHKEY_DEMO_DIR:-$BUILD/demo}
GATEWAY_PORT=${LATCHKEY_GATEWAY_PORT:-8443}
BROKER_PORT=${LATCHKEY_BROKER_PORT:-8883}
mkdir -p "$BUILD"

# with_progress WHAT LOG CMD...: runs CMD with its output in LOG and says every few seconds
# that it is still at it (with the build's percentage when LOG has one); on failure shows
# the end of LOG and exits. Ctrl-C stops CMD.
with_progress() {
  local what=$1 log=$2 pid rc=0 start=$SECONDS pct; shift 2
  "$@" >"$log" 2>&1 &
  pid=$!
  trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; exit 130' INT TERM
  echo "demo: $what"
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    [ $(( (SECONDS - start) % 10 )) -eq 0 ] || continue
    pct=$(sed -n 's/^\[ *\([0-9]*\)%\].*/\1%/p' "$log" | tail -n 1)
    echo "demo:   ... still at it ($(( SECONDS - start )) s${pct:+, $pct})"
  done
  wait "$pid" || rc=$?
  trap - INT TERM
  if [ "$rc" -ne 0 ]; then
    echo "demo: failed while $what; the end of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  echo "demo:   done in $(( SECONDS - start )) s"
}

with_progress "installing the packages the demo needs (scripts/install-deps.sh --runtime; minutes on a fresh machine)" \
  "$BUILD/install-deps.log" bash "$ROOT/scripts/install-deps.sh" --runtime
for port in "$GATEWAY_PORT" "$BROKER_PORT"; do
  if [ -n "$(ss -Hltn "sport = :$port")" ]; then
    echo "demo: port $port is already in use (set LATCHKEY_GATEWAY_PORT / LATCHKEY_BROKER_PORT)" >&2
    exit 1
  fi
done
if [ -z "${LATCHKEY_DEMO_BIN:-}" ]; then
  with_progress "configuring the build (cmake)" "$BUILD/configure.log" \
    cmake -S "$ROOT" -B "$BUILD" -DLATCHKEY_PARTS="common;certs-tool;gateway;firmware"
  with_progress "building latchkey-gateway, latchkey-device, latchkey-certs and the broker plugin (about a minute)" \
    "$BUILD/build.log" cmake --build "$BUILD" -j"$(nproc)" \
    --target latchkey-gateway latchkey-device latchkey-certs latchkey_revoke
fi

# A fresh site every run: the demo PKI is throw-away.
echo "demo: making a throw-away site (CA, certificates, configs) in $RUN"
rm -rf "$RUN"
bash "$ROOT/scripts/make-site.sh" --bin "$BIN" --out "$RUN" \
  --broker-port "$BROKER_PORT" --gateway-port "$GATEWAY_PORT" \
  --door "door1:Front door" --door "garage:Garage" >/dev/null

PIDS=()
# is_child PID: still a child of this script (a PID reaped already may be another's by now).
is_child() {
  local stat ppid
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  read -r _ ppid _ <<<"${stat##*) }"
  [ "$ppid" = "$$" ]
}
stop_all() {
  local pid
  trap - INT TERM EXIT
  echo
  echo "demo: stopping"
  for pid in "${PIDS[@]}"; do ! is_child "$pid" || kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_all EXIT
trap 'exit 130' INT TERM

wait_port() { # PORT PID NAME: bounded wait for a listener (30 s: a busy machine is slow)
  local _
  for _ in $(seq 1 300); do
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
  "$BIN/firmware/port/posix/latchkey-device" -c "$conf" >"$RUN/$name.log" 2>&1 &
  PIDS+=($!)
done
"$BIN/gateway/latchkey-gateway" -c "$RUN/gateway.conf" >"$RUN/gateway.log" 2>&1 &
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

Try it with curl (a form post as a browser sends it: the page's CSRF token, same Origin):
  C="--cacert $RUN/pki/ca/ca.crt --cert $RUN/pki/issued/alice.crt --key $RUN/pki/private/alice.key"
  T=\$(curl -s \$C https://localhost:$GATEWAY_PORT/ | sed -n 's/.*name="csrf" value="\\([^"]*\\)".*/\\1/p')
  curl -s \$C -H "Origin: https://localhost:$GATEWAY_PORT" -d csrf=\$T -d pin=$(cat "$RUN/pin") -d door=door1 \\
       https://localhost:$GATEWAY_PORT/action | grep -o 'data-result="[a-z-]*"'

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
