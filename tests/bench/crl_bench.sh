#!/usr/bin/env bash
# crl_bench.sh - the CRL growth curve of docs/benchmarks.md ("CRL at 100,000 entries"), run
# by scripts/bench.sh --only crl or on its own: for each size (revoked entries in the CA's
# CRL, made by latchkey-crl-gen) and each gateway build given, on a site of
# scripts/make-site.sh (its gateway stopped):
#   start-up  ms from exec to the HTTPS port accepting, and the gateway's CPU ms by then
#             (median of 3)
#   hs        full mTLS handshakes per CPU-second of the gateway (16 connections)
#   swap      request latency (keep-alive GET /, 4 connections) while a fresh CRL of that
#             size (a higher number each time) replaces the one in force every second:
#             max and p99, and the CRL swaps the gateway logged
#   quiet     the same load with nothing changing (what the machine adds by itself)
#   hup       the same while the gateway gets SIGHUP every 0.5 s with the CRL unchanged
#   loop_*    CPU time of the event loop's thread (schedstat, ns) per swap and per SIGHUP,
#             with no requests: the loop's own cost, which the machine's noise does not blur
# Gateway on CPU 0, load on CPU 1, loopback only; every process started here is stopped by
# PID. Results as KEY=VALUE lines appended to RESULTS.
# usage: crl_bench.sh SITE GW_PORT RESULTS BUILD [BUILD...]   (env: CRL_SIZES, CRL_SECS)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SITE=$1 GW_PORT=$2 RES=$3
shift 3
BUILDS=("$@")
SIZES=${CRL_SIZES:-1000 10000 100000}
SECS=${CRL_SECS:-6}
. "$ROOT/tests/lib/testlib.sh"
PKI="$SITE/pki"
CA="$PKI/ca/ca.crt" CCRT="$PKI/issued/alice.crt" CKEY="$PKI/private/alice.key"
GEN="${BUILDS[0]}/tests/bench/latchkey-crl-gen"
BENCH="${BUILDS[0]}/tests/bench/latchkey-bench"
export LATCHKEY_CA_PASSPHRASE
LATCHKEY_CA_PASSPHRASE=$(cat "$SITE/ca.passphrase")
HZ=$(getconf CLK_TCK)
NUM=1000 # CRL numbers above the site's own

res() { echo "$1=$2" >> "$RES"; lk_log "$1 = $2"; }
loop_ns() { awk '{ print $1 }' "/proc/$1/task/$1/schedstat"; } # the main thread: the loop
cpu_ms() { awk -v hz="$HZ" '{ printf "%d\n", ($14 + $15) * 1000 / hz }' "/proc/$1/stat"; }
pct() { sort -n | awk -v q="$1" '{ v[NR] = $1 } END { if (NR == 0) { print "n/a"; exit } i = int(q * NR + 0.999999); if (i < 1) i = 1; print v[i] }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : 0 }'; }
# next_crl N OUT: a CRL of N entries with the next number
next_crl() { NUM=$((NUM + 1)); "$GEN" "$CA" "$PKI/ca/ca.key" "$2" "$1" "$NUM"; }

# start_gw TAG BUILD CONF: the gateway on CPU 0; sets GW_PID, UP_MS, UP_CPU_MS.
start_gw() {
  local t0 t1 _
  t0=$(date +%s%N)
  lk_start "crl-$1" taskset -c 0 "$2/gateway/latchkey-gateway" -c "$3"
  GW_PID=$LK_LAST_PID
  for _ in $(seq 1 20000); do # bounded: 20 000 tries of a connect
    (exec 3<>"/dev/tcp/127.0.0.1/$GW_PORT") 2>/dev/null && break
    kill -0 "$GW_PID" 2>/dev/null || lk_fail "gateway $1 exited: $(cat "$LK_TMP/crl-$1.log")"
  done
  t1=$(date +%s%N)
  UP_MS=$(( (t1 - t0) / 1000000 )) UP_CPU_MS=$(cpu_ms "$GW_PID")
}

# latency KEY: keep-alive requests for SECS on CPU 1; max and p99 (ms) of their latency.
latency_run() {
  taskset -c 1 "$BENCH" --cert "$CCRT" --key "$CKEY" --ca "$CA" --port "$GW_PORT" --mode keepalive \
    --conns 4 --think-ms 2 --duration "$SECS" --samples "$LK_TMP/$1.samples" >"$LK_TMP/$1.out" 2>&1 || true
}
latency_res() {
  awk '{ printf "%.2f\n", $2 / 1000 }' "$LK_TMP/$1.samples" > "$LK_TMP/$1.ms"
  res "${1}_requests" "$(wc -l < "$LK_TMP/$1.ms")"
  res "${1}_non200" "$(awk '$3 != 200' "$LK_TMP/$1.samples" | wc -l)"
  res "${1}_p99_ms" "$(pct 0.99 < "$LK_TMP/$1.ms")"
  res "${1}_max_ms" "$(pct 1 < "$LK_TMP/$1.ms")"
}

for n in $SIZES; do
  crl="$LK_TMP/crl-$n.pem"
  next_crl "$n" "$crl"
  res "crl_${n}_file_bytes" "$(stat -c %s "$crl")"
  for f in 1 2 3 4 5 6 7 8 9; do next_crl "$n" "$LK_TMP/crl-$n-next$f.pem"; done # swapped in below
  for b in "${!BUILDS[@]}"; do
    build=${BUILDS[$b]} tag="crl_${n}_b$b" conf="$LK_TMP/crl-$n-b$b.conf"
    cp "$crl" "$LK_TMP/live-$n-b$b.pem"
    sed "s|^crl = .*|crl = $LK_TMP/live-$n-b$b.pem|" "$SITE/gateway.conf" > "$conf"
    rm -f "$SITE/gateway.db.crl-number"* # each build starts from the CRL in place
    ups="" cpus=""
    for r in 1 2 3; do
      start_gw "$tag-$r" "$build" "$conf"
      ups+="$UP_MS " cpus+="$UP_CPU_MS "
      [ "$r" = 3 ] || lk_stop "$GW_PID"
    done
    res "${tag}_startup_ms" "$(tr ' ' '\n' <<<"$ups" | grep . | median)"
    res "${tag}_startup_cpu_ms" "$(tr ' ' '\n' <<<"$cpus" | grep . | median)"
    before=$(cpu_ms "$GW_PID")
    out=$(taskset -c 1 "$BENCH" --cert "$CCRT" --key "$CKEY" --port "$GW_PORT" --mode handshake \
      --conns 16 --duration "$SECS" 2>"$LK_TMP/$tag-hs.err" || true)
    [ ! -s "$LK_TMP/$tag-hs.err" ] || lk_log "$tag: handshakes: $(head -c 300 "$LK_TMP/$tag-hs.err")"
    after=$(cpu_ms "$GW_PID")
    ok=$(sed -n 's/.* ok=\([0-9]*\).*/\1/p' <<<" $out")
    res "${tag}_hs_per_cpu_s" "$(awk -v ok="${ok:-0}" -v ms=$((after - before)) 'BEGIN { printf "%.0f\n", (ms > 0 ? ok * 1000 / ms : 0) }')"

    # The loop thread's CPU per swap and per SIGHUP, no requests: 4 of each, 1 s apart.
    log="$LK_TMP/crl-$tag-3.log"
    swaps0=$(grep -c 'reloaded' "$log" || true)
    sleep 1
    idle0=$(loop_ns "$GW_PID")
    sleep 4
    idle=$(( $(loop_ns "$GW_PID") - idle0 )) # 4 s of timers alone
    t0=$(loop_ns "$GW_PID") w0=$(date +%s%N)
    for f in 1 2 3 4; do
      cp "$LK_TMP/crl-$n-next$f.pem" "$LK_TMP/live-$n-b$b.tmp"
      mv "$LK_TMP/live-$n-b$b.tmp" "$LK_TMP/live-$n-b$b.pem"
      sleep 1
    done
    # A slow gateway may take two files in one reload: count the swaps it logged, once that
    # count has stood still for 3 s (at most 60 s).
    last=-1 now=0
    for _ in $(seq 1 20); do
      now=$(grep -c 'reloaded' "$log" || true)
      [ "$now" != "$last" ] || break
      last=$now
      sleep 3
    done
    swaps=$((now - swaps0))
    res "${tag}_loop_swaps" "$swaps"
    # idle: the loop's ns in 4 s of timers alone, subtracted for the window's length
    res "${tag}_loop_us_per_swap" "$(( ($(loop_ns "$GW_PID") - t0 - idle * ($(date +%s%N) - w0) / 4000000000) / 1000 / (swaps > 0 ? swaps : 1) ))"
    t0=$(loop_ns "$GW_PID") w0=$(date +%s%N)
    for _ in 1 2 3 4; do kill -HUP "$GW_PID"; sleep 1; done
    res "${tag}_loop_us_per_hup" "$(( ($(loop_ns "$GW_PID") - t0 - idle * ($(date +%s%N) - w0) / 4000000000) / 4000 ))"

    latency_run "${tag}_quiet" # the same load, nothing swapped: the machine's own noise
    latency_res "${tag}_quiet"

    swaps0=$(grep -c 'reloaded' "$log" || true)
    latency_run "${tag}_swap" &
    lpid=$!
    for f in 5 6 7 8 9; do
      sleep 1
      cp "$LK_TMP/crl-$n-next$f.pem" "$LK_TMP/live-$n-b$b.tmp"
      mv "$LK_TMP/live-$n-b$b.tmp" "$LK_TMP/live-$n-b$b.pem"
    done
    wait "$lpid"
    latency_res "${tag}_swap"
    res "${tag}_swap_swaps" "$(( $(grep -c 'reloaded' "$log" || true) - swaps0 ))"

    latency_run "${tag}_hup" &
    lpid=$!
    for _ in $(seq 1 $((SECS * 2 - 2))); do
      sleep 0.5
      kill -HUP "$GW_PID"
    done
    wait "$lpid"
    latency_res "${tag}_hup"
    res "${tag}_hup_unchanged_logged" "$(grep -c 'unchanged (same SHA-256)' "$log" || true)"
    lk_stop "$GW_PID"
  done
done
