# testlib.sh - helpers for Latchkey's shell integration tests (sourced, not run).
# Every process a test starts goes through lk_start and is stopped by PID on exit;
# every wait is bounded. Network use is loopback only.
# shellcheck shell=bash

set -euo pipefail

LK_PIDS=()
LK_TMP=$(mktemp -d "${TMPDIR:-/tmp}/latchkey-test.XXXXXX")

lk_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
lk_fail() { lk_log "FAIL: $*"; exit 1; }

# lk_is_child PID: PID is a child of this shell (not a process that got the number of one of
# ours after it was reaped: with pid_max 32768 a busy machine reuses numbers within minutes).
lk_is_child() {
  local stat ppid
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  read -r _ ppid _ <<<"${stat##*) }"
  [ "$ppid" = "$$" ] || [ "$ppid" = "$BASHPID" ]
}

# lk_stop PID: TERM, then KILL after 5 s (times LK_SLOW); reaps it. Only a child of this
# shell is signalled: a PID already reaped may belong to someone else's process by now.
lk_stop() {
  local pid=$1 _
  lk_is_child "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $(( 50 * ${LK_SLOW:-1} ))); do # LK_SLOW: e.g. under valgrind
    lk_is_child "$pid" || break
    sleep 0.1
  done
  ! lk_is_child "$pid" || kill -KILL "$pid" 2>/dev/null || true
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

# lk_free_port VAR: sets VAR to a TCP port on loopback that no socket uses now and that no
# other Latchkey test holds. It is taken below the kernel's ephemeral range
# (ip_local_port_range), where client connections get their ports, so a busy machine's
# outgoing connections cannot take it before the server binds it. Tests that run at the same
# time (ctest -j, a gcc and an ASan suite, two checkouts) reserve their ports with a lock
# (flock on LK_PORT_LOCKS/PORT) that this shell holds until it exits: a port stays the
# test's while its server restarts, and no other test picks it in the meantime. Not in a
# command substitution: the lock is an open descriptor of the calling shell.
LK_PORT_LOCKS=${LK_PORT_LOCKS:-/tmp/latchkey-test-ports}
lk_free_port() {
  local var=$1 port _ low=32768 span fd
  [[ "$var" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || lk_fail "lk_free_port: bad variable name '$var'"
  mkdir -p "$LK_PORT_LOCKS" 2>/dev/null && chmod 1777 "$LK_PORT_LOCKS" 2>/dev/null || true
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  span=$(( low > 21024 ? low - 20000 : 1024 )) # a tiny ephemeral floor: fall back to 20000+
  for _ in $(seq 1 500); do
    port=$(( 20000 + (RANDOM * 32768 + RANDOM) % span ))
    [ -z "$(ss -Hatn "sport = :$port" 2>/dev/null)" ] || continue
    : >>"$LK_PORT_LOCKS/$port" 2>/dev/null || true
    exec {fd}<"$LK_PORT_LOCKS/$port" || continue
    if flock -n "$fd"; then
      # the lock first, then the check again: a test that held it may have bound it meanwhile
      if [ -z "$(ss -Hatn "sport = :$port" 2>/dev/null)" ]; then
        printf -v "$var" '%s' "$port"
        return 0
      fi
    fi
    exec {fd}<&-
  done
  lk_fail "no free port found"
}

# lk_wait_port PORT [SECONDS] [PID]: waits until something listens on PORT (loopback);
# fails early if PID (the server that should listen) has exited.
# With PID, the listener must be PID's own (ss -p): a process outside this test that took the
# port (one that does not use lk_free_port's locks) is named instead of waited on.
lk_wait_port() {
  local port=$1 secs=${2:-10} pid=${3:-} _ out
  for _ in $(seq 1 $(( secs * 10 ))); do
    out=$(ss -Hltnp "sport = :$port" 2>/dev/null)
    if [ -n "$out" ] && { [ -z "$pid" ] || [[ "$out" == *"pid=$pid,"* ]]; }; then return 0; fi
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      lk_fail "process $pid exited before listening on $port${out:+ (port taken by: $out)}"
    fi
    sleep 0.1
  done
  lk_fail "$([ -n "$pid" ] && echo "process $pid does not listen" || echo "nothing listens") on port $port after ${secs}s${out:+ (listening: $out)}"
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

# lk_has GREP_ARGS...: like `grep -q GREP_ARGS` on stdin, but reads all of stdin first, so
# the writer of a pipeline (`cmd | lk_has PATTERN`) never gets SIGPIPE from a reader that
# stopped at the first match; under pipefail that SIGPIPE would fail the pipeline at random.
lk_has() { local in; in=$(cat); grep -q "$@" <<<"$in"; }

# lk_csrf_of FILE: prints the CSRF token of the form in FILE (a page the gateway served),
# empty if there is none. sed stops at the first match itself (no `| head` under pipefail).
lk_csrf_of() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p;T;q' "$1" 2>/dev/null || true; }

# lk_gateway_latency LOG RESULT: latency_ms of the last "action result ... result=RESULT" line
# in a gateway's LOG: the time the gateway took for the action, which a test checks instead
# of the client's wall time (curl's start-up and handshake on a loaded machine are not it).
lk_gateway_latency() {
  grep " action result .* result=$2 " "$1" | tail -n 1 | sed -n 's/.* latency_ms=\([0-9]*\).*/\1/p'
}

# lk_expect_eq ACTUAL EXPECTED WHAT
lk_expect_eq() { [ "$1" = "$2" ] || lk_fail "$3: expected '$2', got '$1'"; }

# lk_doc_block DOC MARKER: the lines of the ```sh block that follows the line
# "<!-- MARKER: ..." in DOC, for tests that run a doc's commands word for word.
lk_doc_block() {
  awk -v m="<!-- $2:" 'index($0, m) == 1 { f = 1; next } f && /^```sh$/ { g = 1; next } g && /^```$/ { exit } g' "$1"
}
