#!/usr/bin/env bash
# load.sh - the load test of docs/benchmarks.md ("Load"), loopback only: CLIENTS websockets
# (latchkey-bench ws mode, user alice, all receiving the pushed action results) held open
# against the gateway for SECONDS, while a second latchkey-bench sends a steady stream of
# actions (one phone, keep-alive, POST /action every ~0.5 s + the tap's own time) through
# the real Mosquitto and a real simulated device. Samples the gateway's VmRSS and its heap
# in use (latchkey_heap_in_use_bytes, metrics listener) every second.
# Asserts: every websocket opened and stayed open, 0 errors in both runs, every action sent
# was answered "opened" and moved the relay, every websocket received its "doors" message
# and exactly one "result" message per action, and neither the gateway's RSS floor nor its
# heap-in-use floor grew by more than its limit while the websockets were held (the lowest
# sample of the first vs the last quarter of the held phase; at least 8 samples).
# usage: load.sh [--build DIR] [--no-build] [--out DIR] [--plot FILE.png]
#                [--max-growth-kb N] [--max-heap-growth-kb N] [CLIENTS [SECONDS]]
#   --build         build directory (default build-load; configured and built here)
#   --no-build      use --build as it is (ctest)
#   --out           where results go (default BUILD/load-results)
#   --plot          draw RSS and heap over time to this PNG (scripts/load-plot.sh, gnuplot)
#   --max-growth-kb limit of the RSS floor's growth (KiB, default 1024; 0: report only)
#   --max-heap-growth-kb  limit of the heap floor's growth (KiB, default 256; 0: report
#                   only). Why these limits: docs/benchmarks.md, "Load".
#   CLIENTS         websockets held open (default 1000)   SECONDS  duration (default 60)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build-load BUILD_IT=1 OUT="" PLOT="" MAX_GROWTH=1024 MAX_HEAP=256 POS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD=$2; shift 2 ;;
    --no-build) BUILD_IT=0; shift ;;
    --out) OUT=$2; shift 2 ;;
    --plot) PLOT=$2; shift 2 ;;
    --max-growth-kb) MAX_GROWTH=$2; shift 2 ;;
    --max-heap-growth-kb) MAX_HEAP=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "load.sh: unknown option $1" >&2; exit 2 ;;
    *) POS+=("$1"); shift ;;
  esac
done
CLIENTS=${POS[0]:-1000} DURATION=${POS[1]:-60}
case "$CLIENTS$DURATION$MAX_GROWTH$MAX_HEAP" in *[!0-9]*)
  echo "load.sh: CLIENTS, SECONDS and the limits are whole numbers" >&2; exit 2 ;; esac
[ "$CLIENTS" -ge 1 ] && [ "$CLIENTS" -le 10000 ] && [ "$DURATION" -ge 1 ] && [ "$DURATION" -le 540 ] ||
  { echo "load.sh: CLIENTS 1..10000, SECONDS 1..540" >&2; exit 2; }
case "$BUILD" in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
OUT=${OUT:-$BUILD/load-results}
if [ "$BUILD_IT" = 1 ]; then
  cmake -S "$ROOT" -B "$BUILD" >/dev/null
  cmake --build "$BUILD" -j2 >/dev/null
fi
BENCH="$BUILD/tests/bench/latchkey-bench"
[ -x "$BENCH" ] || { echo "load.sh: $BENCH not built" >&2; exit 1; }

# Every websocket is a descriptor in the gateway and in the load generator (both inherit
# this limit), plus the gateway's own files, broker link and listeners.
need=$(( CLIENTS + 256 ))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
  hard=$(ulimit -Hn)
  [ "$hard" = unlimited ] || [ "$hard" -ge "$need" ] ||
    { echo "load.sh: needs $need open files, the hard limit is $hard" >&2; exit 1; }
  ulimit -n "$need"
fi

. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"
mkdir -p "$OUT"
RES="$OUT/results.txt"
: > "$RES"
res() { echo "$1=$2" >> "$RES"; lk_log "$1 = $2"; }
field() { sed -n "s/.*[ ^]$1=\([^ ]*\).*/\1/p" <<<" $2"; }

# ---------------------------------------------------------------- the site
PIN=482915
lk_site_make --door "door1:Front door" --pin "$PIN" --per-address 8192 # all clients on 127.0.0.1
# The shortest pulse and no pause after it, so that steady actions are never "busy".
sed -i -e 's/^pulse_ms = .*/pulse_ms = 50/' -e '$a min_interval_ms = 0' "$SITE/device-door1.conf"
lk_site_metrics
lk_site_start_broker
lk_site_start_device door1
lk_site_start_gateway
lk_site_wait_online door1
CLIENT=(--port "$GATEWAY_PORT" --cert "$PKI/issued/alice.crt" --key "$PKI/private/alice.key")

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$GW_PID/status" 2>/dev/null || echo 0; }
heap_kb() { # the gateway's own count of malloc'd bytes not freed; 0 if unreadable
  curl -sS --max-time 2 "$MURL/metrics" 2>/dev/null |
    awk '$1 == "latchkey_heap_in_use_bytes" {v = $2} END {printf "%d\n", v / 1024}'
}
# One line a second: ms since the start, VmRSS (KiB), phase (idle|opening|held|closed),
# heap in use (KiB).
sample_rss() {
  local t0 now
  t0=$(date +%s%N)
  while kill -0 "$GW_PID" 2>/dev/null; do
    now=$(date +%s%N)
    echo "$(( (now - t0) / 1000000 )) $(rss_kb) $(cat "$LK_TMP/phase" 2>/dev/null || echo idle) $(heap_kb)"
    sleep 1
  done
}
echo idle > "$LK_TMP/phase"
sleep 2
res rss_idle_kb "$(rss_kb)"
res heap_idle_kb "$(heap_kb)"
lk_start rss sample_rss
RSS_PID=$LK_LAST_PID
sleep 2

# ---------------------------------------------------------------- the load
lk_log "opening $CLIENTS websockets"
echo opening > "$LK_TMP/phase"
# Held over the whole action run: SIGUSR1 after it ends the hold 2 s later (the last
# results still on their way); --hold only bounds it.
lk_start ws "$BENCH" "${CLIENT[@]}" --mode ws --conns "$CLIENTS" --hold $(( DURATION + 120 )) \
  --duration 120 --timeout-ms 30000
WS_PID=$LK_LAST_PID
lk_wait_for 130 "$CLIENTS websockets open" grep -q '^ws-open' "$LK_TMP/ws.log"
ws_opened=$(sed -n 's/^ws-open //p' "$LK_TMP/ws.log")
[ "$ws_opened" = "$CLIENTS" ] || lk_fail "only $ws_opened of $CLIENTS websockets opened: $(cat "$LK_TMP/ws.log")"
echo held > "$LK_TMP/phase"
res rss_ws_open_kb "$(rss_kb)"
res heap_ws_open_kb "$(heap_kb)"
relay_base=$(lk_relay_count door1 on)

lk_log "$CLIENTS websockets open; actions for ${DURATION}s"
act=$("$BENCH" "${CLIENT[@]}" --ca "$PKI/ca/ca.crt" --mode action --conns 1 --pin "$PIN" \
  --door door1 --think-ms 500 --duration "$DURATION" --timeout-ms 20000 \
  --samples "$OUT/actions.samples" 2>"$LK_TMP/action-err.log") ||
  lk_fail "the action run failed: $act $(cat "$LK_TMP/action-err.log")"
res actions "$act"
lk_log "actions done; the websockets drain for 2 s and close"
kill -USR1 "$WS_PID" || lk_fail "the websocket run ended before the actions did: $(cat "$LK_TMP/ws.log")"
ws_rc=0
wait "$WS_PID" || ws_rc=$?
echo closed > "$LK_TMP/phase"
ws=$(grep '^mode=ws' "$LK_TMP/ws.log" || true)
res websockets "$ws"
[ "$ws_rc" -eq 0 ] || lk_fail "the websocket run failed: $(cat "$LK_TMP/ws.log")"
sleep 3
lk_stop "$RSS_PID"
res rss_after_kb "$(rss_kb)"
res heap_after_kb "$(heap_kb)"
cp "$LK_TMP/rss.log" "$OUT/rss.dat"

# ---------------------------------------------------------------- the checks
[ "$(field errors "$act")" = 0 ] || lk_fail "action errors: $act"
[ "$(field errors "$ws")" = 0 ] || lk_fail "websocket errors: $ws"
[ "$(field ws_open "$ws")" = "$CLIENTS" ] || lk_fail "websockets still open at the end: $ws"
sent=$(field sent "$act") ok=$(field ok "$act")
[ "${sent:-0}" -gt 0 ] || lk_fail "no action was sent: $act"
[ "$ok" = "$sent" ] || lk_fail "$sent actions sent, $ok answered opened"
opened=$(awk '$3 == 200' "$OUT/actions.samples" | wc -l)
[ "$opened" = "$sent" ] || lk_fail "$sent actions sent, $opened samples with 200 opened"
relay_caught_up() { [ $(( $(lk_relay_count door1 on) - relay_base )) -ge "$sent" ]; }
lk_wait_for 5 "relay on for every action" relay_caught_up
relay=$(( $(lk_relay_count door1 on) - relay_base ))
[ "$relay" = "$sent" ] || lk_fail "$sent actions answered, the relay moved $relay times"
[ "$(field ws_rx_bytes "$ws")" -gt 0 ] || lk_fail "the websockets received nothing"
# Per socket (latchkey-bench parses every frame as latchkey.v1): the "doors" message sent
# on open, and one "result" per action: all of alice's websockets get each of her results,
# and all of them were open before the first tap and after the last answer.
[ "$(field ws_doors_min "$ws")" -ge 1 ] || lk_fail "a websocket never received the doors message: $ws"
[ "$(field ws_results_min "$ws")" = "$ok" ] && [ "$(field ws_results_max "$ws")" = "$ok" ] ||
  lk_fail "$ok actions answered, but the websockets received between $(field ws_results_min "$ws")" \
    "and $(field ws_results_max "$ws") results each ($(field ws_results_short "$ws") below the most): $ws"
res ws_doors_per_socket "$(field ws_doors_min "$ws")..$(field ws_doors_max "$ws")"
res ws_results_per_socket "$(field ws_results_min "$ws")..$(field ws_results_max "$ws")"
kill -0 "$GW_PID" 2>/dev/null || lk_fail "the gateway exited"

# ---------------------------------------------------------------- memory
# Held-phase samples with both figures read (a metrics scrape can time out on a busy
# machine: that sample is left out, and counted).
held=$(awk '$3 == "held" && $2 > 0 && $4 > 0' "$OUT/rss.dat")
n_held=$(grep -c . <<<"$held" || true)
res memory_held_samples "$n_held"
res memory_unread_samples "$(awk '$3 == "held" && !($2 > 0 && $4 > 0)' "$OUT/rss.dat" | wc -l)"
# Fewer samples and the quarters below would overlap or be one sample: no real check.
[ "$n_held" -ge 8 ] || lk_fail "only $n_held memory samples while the websockets were held" \
  "(8 needed: the sampler was starved, the metrics unreadable, or the run too short)"
# A PIN check that runs scrypt allocates and frees 32 MiB (N=2^15, r=8), and the pushes
# after a tap hold buffers for a moment, so both figures swing with the taps: growth is
# measured on the floor, the lowest sample of the first and of the last quarter of the
# held phase (at least 2 samples each): a steady leak shows at least half its growth over
# the phase there.
floor_of() { # COLUMN first|last: the lowest value of that part of the held samples
  awk -v col="$1" -v part="$2" '{ v[NR] = $col } END { q = int(NR / 4)
    lo = part == "first" ? 1 : NR - q + 1; m = v[lo]
    for (i = lo; i < lo + q; i++) if (v[i] < m) m = v[i]; print m }' <<<"$held"
}
res rss_held_floor_first_kb "$(floor_of 2 first)"
res rss_held_floor_last_kb "$(floor_of 2 last)"
res rss_peak_kb "$(awk 'BEGIN {m = 0} $2 > m {m = $2} END {print m}' "$OUT/rss.dat")"
rss_growth=$(( $(floor_of 2 last) - $(floor_of 2 first) ))
res rss_held_growth_kb "$rss_growth"
res rss_max_growth_kb "$MAX_GROWTH"
res heap_held_floor_first_kb "$(floor_of 4 first)"
res heap_held_floor_last_kb "$(floor_of 4 last)"
heap_growth=$(( $(floor_of 4 last) - $(floor_of 4 first) ))
res heap_held_growth_kb "$heap_growth"
res heap_max_growth_kb "$MAX_HEAP"
res rss_per_ws_bytes "$(awk -v a="$(sed -n 's/^rss_idle_kb=//p' "$RES")" \
  -v b="$(sed -n 's/^rss_ws_open_kb=//p' "$RES")" -v n="$CLIENTS" 'BEGIN {printf "%.0f", (b - a) * 1024 / n}')"
res heap_per_ws_bytes "$(awk -v a="$(sed -n 's/^heap_idle_kb=//p' "$RES")" \
  -v b="$(sed -n 's/^heap_ws_open_kb=//p' "$RES")" -v n="$CLIENTS" 'BEGIN {printf "%.0f", (b - a) * 1024 / n}')"
res clients "$CLIENTS"
res seconds "$DURATION"
res actions_per_s "$(awk -v n="$sent" -v s="$(field secs "$act")" 'BEGIN {printf "%.2f", (s > 0 ? n / s : 0)}')"
if [ "$MAX_GROWTH" -gt 0 ] && [ "$rss_growth" -gt "$MAX_GROWTH" ]; then
  lk_fail "the RSS floor grew by $rss_growth KiB while the websockets were held (limit $MAX_GROWTH KiB)"
fi
if [ "$MAX_HEAP" -gt 0 ] && [ "$heap_growth" -gt "$MAX_HEAP" ]; then
  lk_fail "the heap in use grew by $heap_growth KiB while the websockets were held (limit $MAX_HEAP KiB)"
fi

if [ -n "$PLOT" ]; then
  bash "$ROOT/scripts/load-plot.sh" "$OUT/rss.dat" "$CLIENTS" "$DURATION" "$PLOT" ||
    lk_fail "the plot could not be drawn"
  lk_log "plot: $PLOT"
fi
lk_log "load passed: $CLIENTS websockets for ${DURATION}s, $sent actions all opened; results in $RES"
