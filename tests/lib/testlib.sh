# testlib.sh - helpers for Latchkey's shell integration tests (sourced, not run).
# Every process a test starts goes through lk_start and is stopped by PID on exit;
# every wait is bounded. Network use is loopback only.
# shellcheck shell=bash

set -euo pipefail

LK_PIDS=()
LK_TMP=$(mktemp -d "${TMPDIR:-/tmp}/latchkey-test.XXXXXX")

lk_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
lk_fail() { lk_log "FAIL: $*"; exit 1; }

# lk_stop PID: TERM, then KILL after 5 s (times LK_SLOW); reaps it.
lk_stop() {
  local pid=$1 _
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $(( 50 * ${LK_SLOW:-1} ))); do # LK_SLOW: e.g. under valgrind
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

lk_cleanup() {
  local rc=$? pid
  for pid in "${LK_PIDS[@]}"; do lk_stop "$pid"; done
  if [ "$rc" -ne 0 ]; then
    lk_log "logs of the failed run:"
    for f in "$LK_TMP"/*.log; do
      [ -f "$f" ] || continue
      echo "----- $(basename "$f") (last 40 lines)" >&2
      tail -n 40 "$f" >&2
    done
  fi
  [ -n "${LK_KEEP_TMP:-}" ] || rm -rf "$LK_TMP"
  exit "$rc"
}
trap lk_cleanup EXIT
trap 'exit 130' INT TERM

# lk_start NAME CMD...: runs CMD in the background, output to $LK_TMP/NAME.log;
# sets LK_LAST_PID and remembers the PID for cleanup.
lk_start() {
  local name=$1; shift
  "$@" >"$LK_TMP/$name.log" 2>&1 &
  LK_LAST_PID=$!
  LK_PIDS+=("$LK_LAST_PID")
}

# lk_free_port: prints a TCP port on loopback that no socket uses now. It is taken below the
# kernel's ephemeral range (ip_local_port_range), where client connections get their ports,
# so a busy machine's outgoing connections cannot take it before the server binds it.
lk_free_port() {
  local port low=32768 span
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  span=$(( low > 21024 ? low - 20000 : 1024 )) # a tiny ephemeral floor: fall back to 20000+
  for _ in $(seq 1 200); do
    port=$(( 20000 + (RANDOM * 32768 + RANDOM) % span ))
    if ! ss -Hatn "sport = :$port" 2>/dev/null | grep -q .; then
      echo "$port"; return 0
    fi
  done
  lk_fail "no free port found"
}

# lk_wait_port PORT [SECONDS] [PID]: waits until something listens on PORT (loopback);
# fails early if PID (the server that should listen) has exited.
lk_wait_port() {
  local port=$1 secs=${2:-10} pid=${3:-} _
  for _ in $(seq 1 $(( secs * 10 ))); do
    if ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then return 0; fi
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then lk_fail "process $pid exited before listening on $port"; fi
    sleep 0.1
  done
  lk_fail "nothing listens on port $port after ${secs}s"
}

# lk_wait_for SECONDS DESCRIPTION CMD...: polls CMD every 0.1 s until it succeeds.
lk_wait_for() {
  local secs=$1 what=$2 _; shift 2
  for _ in $(seq 1 $(( secs * 10 ))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  lk_fail "timed out after ${secs}s waiting for: $what"
}

# lk_expect_eq ACTUAL EXPECTED WHAT
lk_expect_eq() { [ "$1" = "$2" ] || lk_fail "$3: expected '$2', got '$1'"; }
