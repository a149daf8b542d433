#!/usr/bin/env bash
# mem_trim.sh - the gateway gives back the heap of a burst of connections (gateway/mem_trim.c):
# 400 websockets opened together (each a full mTLS handshake) and closed again must leave
# its RSS within 4 MiB of where it started; without the trim glibc kept ~25 MB of it. Logs
# the RSS with the sockets open too (never asserted: docs/benchmarks.md has the figures).
# usage: mem_trim.sh SOURCE_DIR BUILD_DIR
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"
BENCH="$BUILD/tests/bench/latchkey-bench"
N=400

[ -x "$BENCH" ] || lk_fail "$BENCH not built"
[ "$(ulimit -n)" -ge $((N + 64)) ] || ulimit -n $((N + 64)) || lk_fail "needs $((N + 64)) open files"
lk_site_make --door door1 --per-address 4096 # every websocket from 127.0.0.1
lk_site_start_broker
lk_site_start_gateway
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$GW_PID/status"; }
sleep 1
r0=$(rss)
"$BENCH" --port "$GATEWAY_PORT" --cert "$PKI/issued/alice.crt" --key "$PKI/private/alice.key" \
  --mode ws --conns "$N" --hold 2 --duration 60 >"$LK_TMP/bench.out" 2>"$LK_TMP/bench.err" &
bench=$!
lk_wait_for 60 "$N websockets open" grep -q '^ws-open' "$LK_TMP/bench.out"
sleep 1
r1=$(rss)
wait "$bench" || lk_fail "latchkey-bench failed: $(cat "$LK_TMP/bench.out" "$LK_TMP/bench.err")"
last=$(tail -n 1 "$LK_TMP/bench.out")
case "$last" in *" errors=0 "*" ws_open=$N "*) ;; *) lk_fail "not all websockets opened: $last" ;; esac
back() { [ "$(rss)" -le $((r0 + 4096)) ]; }
lk_wait_for 5 "RSS back within 4 MiB of ${r0} KiB after the websockets closed" back
lk_log "RSS: ${r0} KiB before, ${r1} KiB with $N websockets open, $(rss) KiB after they closed"
