#!/usr/bin/env bash
# fd_exhaustion.sh - attack matrix case "pre-authentication descriptor exhaustion": clients
# with no certificate and no TLS hold idle TCP connections to a gateway whose descriptor
# limit is 256 (prlimit). One source (127.0.0.2) opening 300: the gateway keeps
# max_connections_per_address of them and closes the rest at once, a phone's request
# (127.0.0.1) is served, and the gateway does not spin (CPU over 3 s, /proc). Then 20
# sources under the per-address bound, 240 in all, beyond the 192 connections the
# descriptors allow (256 - 64 kept in reserve): the gateway stops accepting instead of
# failing accept() with EMFILE in a loop (CPU again), and a phone that queues behind them
# is served once the idle handshakes time out (10 s).
# usage: fd_exhaustion.sh SOURCE_DIR BUILD_DIR
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"
HOLD="$ROOT/tests/attack/hold_connections.py"

lk_site_make --pin 123456 --per-address 16
LK_WRAP="prlimit --nofile=256:256" lk_site_start_gateway --no-mqtt
grep -q "at most 192 connections, 16 per address" "$GATEWAY_LOG" || lk_fail "limits not in force: $(head -3 "$GATEWAY_LOG")"

ticks() { awk '{print $14 + $15}' "/proc/$GW_PID/stat"; }
# cpu_percent SECS: the gateway's CPU use over SECS seconds, in percent of one core.
cpu_percent() {
  local t0 t1 hz
  hz=$(getconf CLK_TCK)
  t0=$(ticks); sleep "$1"; t1=$(ticks)
  echo $(( (t1 - t0) * 100 / (hz * $1) ))
}
# hold NAME SECS SOURCE:COUNT...: starts hold_connections.py, waits until its connects are done.
hold() {
  local name=$1 secs=$2; shift 2
  lk_start "$name" python3 "$HOLD" "$GATEWAY_PORT" "$secs" "$@"
  lk_wait_for $(( 15 * LK_SLOW )) "$name: connections opened" grep -q '^opened' "$LK_TMP/$name.log"
  lk_log "$name: $(cat "$LK_TMP/$name.log")"
}
phone() { local out; out=$(lk_phone --max-time "$1" "$URL/"); echo "${out%% *}"; }

lk_log "one source, 300 idle connections"
hold one-source 30 127.0.0.2:300
lk_expect_eq "$(phone $(( 5 * LK_SLOW )))" 200 "a phone's request beside 300 idle connections of one source"
cpu=$(cpu_percent 3)
lk_log "gateway CPU beside them: $cpu %"
[ "$cpu" -lt 20 ] || lk_fail "the gateway spins ($cpu % of a core) beside one source's idle connections"
grep -q "connection refused: max_connections_per_address reached from 127.0.0.2" "$GATEWAY_LOG" ||
  lk_fail "per-address refusal not logged"
lk_stop "$LK_LAST_PID"

lk_log "20 sources, 240 idle connections: beyond the descriptors"
sources=()
for i in $(seq 3 22); do sources+=("127.0.0.$i:12"); done
hold many-sources 30 "${sources[@]}"
cpu=$(cpu_percent 3)
lk_log "gateway CPU at the connection bound: $cpu %"
[ "$cpu" -lt 20 ] || lk_fail "the gateway spins ($cpu % of a core) at the connection bound"
lk_expect_eq "$(phone $(( 20 * LK_SLOW )))" 200 "a phone's request once the idle handshakes time out"
kill -0 "$GW_PID" || lk_fail "gateway died"
lk_log "idle connections neither lock phones out nor make the gateway spin"
