#!/usr/bin/env bash
# demo.sh - brings the whole of Latchkey up on this machine: installs what is missing (the
# runtime set of scripts/install-deps.sh only: no test tools), builds the three programs
# (not the tests) in build-demo/, makes a demo PKI and configs (scripts/make-site.sh) once
# and keeps them (a .p12 imported into a phone goes on working; --fresh starts over), then
# starts a real Mosquitto with mTLS on loopback, one simulated latchkey-device per door and
# latchkey-gateway on https://localhost:8443. Says what it is doing while it installs and
# builds. Prints what a phone or curl needs; with LATCHKEY_DEMO_HOST also the enrollment
# link and its QR code, so that a phone on the same network fetches its certificate.
# Ctrl-C stops all it started.
# usage: demo.sh [--fresh]
# env: LATCHKEY_DEMO_HOST=H[,H2...]: the names or IP addresses a phone reaches this machine
#      by (e.g. 192.0.2.10): all go into the server certificate, the first is the URL's;
#      the gateway and the enrollment link listen on it (an IP) or on every address (a
#      name). Unset: localhost only, on 127.0.0.1.
#      LATCHKEY_DEMO_BUILD_DIR (default build-demo), LATCHKEY_DEMO_DIR (the site, default
#      BUILD/demo), LATCHKEY_GATEWAY_PORT (8443), LATCHKEY_BROKER_PORT (8883),
#      LATCHKEY_ENROLL_PORT (8444), LATCHKEY_DEMO_BIN=DIR: use the programs already built
#      in DIR (a build tree) instead.
set -euo pipefail

FRESH=0
case "${1:-}" in
  "") ;;
  --fresh) FRESH=1 ;;
  *) echo "usage: demo.sh [--fresh]   (--fresh: a new PKI and site; phones need the new .p12)" >&2; exit 2 ;;
esac

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${LATCHKEY_DEMO_BUILD_DIR:-$ROOT/build-demo}
BIN=${LATCHKEY_DEMO_BIN:-$BUILD}
RUN=${LATCHKEY_DEMO_DIR:-$BUILD/demo}
GATEWAY_PORT=${LATCHKEY_GATEWAY_PORT:-8443}
BROKER_PORT=${LATCHKEY_BROKER_PORT:-8883}
ENROLL_PORT=${LATCHKEY_ENROLL_PORT:-8444}
IFS=, read -r -a HOSTS <<<"${LATCHKEY_DEMO_HOST:-}"
HOST=${HOSTS[0]:-localhost}
LISTEN=127.0.0.1
if [ -n "${LATCHKEY_DEMO_HOST:-}" ]; then
  case "$HOST" in
    *[!0-9.]*) LISTEN=0.0.0.0 ;; # a name: every address (the name's is not known here)
    *) LISTEN=$HOST ;;
  esac
fi
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
for port in "$GATEWAY_PORT" "$BROKER_PORT" "$ENROLL_PORT"; do
  if [ -n "$(ss -Hltn "sport = :$port")" ]; then
    echo "demo: port $port is already in use (set LATCHKEY_GATEWAY_PORT / LATCHKEY_BROKER_PORT / LATCHKEY_ENROLL_PORT)" >&2
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

# The site is made once and kept: its CA is what a phone's .p12 comes from. The settings it
# was made for are remembered; other settings need a new site (--fresh).
SETTINGS="hosts=${LATCHKEY_DEMO_HOST:-localhost} listen=$LISTEN gateway_port=$GATEWAY_PORT broker_port=$BROKER_PORT"
[ "$FRESH" -eq 0 ] || rm -rf "$RUN"
if [ -s "$RUN/demo.settings" ] && [ -s "$RUN/gateway.conf" ]; then
  if [ "$(cat "$RUN/demo.settings")" != "$SETTINGS" ]; then
    echo "demo: the site in $RUN was made for '$(cat "$RUN/demo.settings")', not '$SETTINGS'; run 'bash scripts/demo.sh --fresh' for a new one (phones then need the new .p12)" >&2
    exit 1
  fi
  echo "demo: using the site made earlier in $RUN (the same CA and .p12; --fresh starts over)"
else
  echo "demo: making a site (CA, certificates, configs) in $RUN; it is kept for the next runs"
  rm -rf "$RUN"
  HOST_ARGS=()
  for h in "${HOSTS[@]}"; do HOST_ARGS+=(--public-host "$h"); done
  bash "$ROOT/scripts/make-site.sh" --bin "$BIN" --out "$RUN" \
    --broker-port "$BROKER_PORT" --gateway-port "$GATEWAY_PORT" --gateway-listen "$LISTEN" \
    "${HOST_ARGS[@]}" --door "door1:Front door" --door "garage:Garage" >/dev/null
  printf '%s\n' "$SETTINGS" >"$RUN/demo.settings"
fi

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
WATCH=("${PIDS[@]}") # the parts that must keep running

# The enrollment link (single use, 10 minutes): a phone that scans the QR code fetches its
# .p12 over the network; only when the demo is reachable from one (LATCHKEY_DEMO_HOST).
ENROLL_INFO="  (set LATCHKEY_DEMO_HOST to this machine's address on your network, e.g.
   LATCHKEY_DEMO_HOST=192.0.2.10 bash scripts/demo.sh --fresh, for a phone to reach the
   demo and fetch its certificate from a QR code)"
if [ -n "${LATCHKEY_DEMO_HOST:-}" ]; then
  url_host=$HOST
  [[ "$url_host" != *:* ]] || url_host="[$url_host]"
  LATCHKEY_CA_PASSPHRASE=$(cat "$RUN/ca.passphrase") \
    "$BIN/certs-tool/latchkey-certs" -d "$RUN/pki" enroll alice --legacy --server-name localhost \
    --listen "$LISTEN:$ENROLL_PORT" --url-base "https://$url_host:$ENROLL_PORT" \
    --password-file "$RUN/alice.p12.password" >"$RUN/enroll.log" 2>&1 &
  PIDS+=($!)
  wait_port "$ENROLL_PORT" "$!" enroll
  ENROLL_INFO="$(sed -n '/^link: /,/^The certificate is served/p' "$RUN/enroll.log" | sed '$d')
  Scan it with the phone (or open the link) once within 10 minutes; the phone warns once
  about the link's certificate (the demo CA is not trusted yet); the .p12 password is above.
  Trust the CA too: docs/phones.md. A new link: run the demo again."
fi

URL_HOST=$HOST
[[ "$URL_HOST" != *:* ]] || URL_HOST="[$URL_HOST]"
cat <<INFO

Latchkey demo is running.
  URL            https://$URL_HOST:$GATEWAY_PORT/
  phone .p12     $RUN/alice.p12   (import it into the browser or phone; user "alice")
  .p12 password  $(cat "$RUN/alice.p12.password")
  PIN            $(cat "$RUN/pin")
  CA to trust    $RUN/pki/ca/ca.crt
  relay logs     $RUN/relay-*.log   (one line per relay transition)
  process logs   $RUN/*.log

Enroll a phone on the same network:
$ENROLL_INFO

Try it with curl (the JSON API for scripts, docs/gateway.md):
  curl -s --cacert $RUN/pki/ca/ca.crt --cert $RUN/pki/issued/alice.crt --key $RUN/pki/private/alice.key \\
       -H 'Content-Type: application/json' -H 'X-Auth-Token: latchkey' -d '{"pin":"$(cat "$RUN/pin")"}' \\
       https://$URL_HOST:$GATEWAY_PORT/api/v1/doors/door1/open

Ctrl-C stops everything.
INFO

# Keep running until Ctrl-C or until one of the parts dies.
while true; do
  for pid in "${WATCH[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "demo: a process ($pid) exited; see the logs in $RUN" >&2
      exit 1
    fi
  done
  sleep 1
done
