#!/usr/bin/env bash
# plots.sh - draws the PNG figures of docs/benchmarks.md with gnuplot from one run of
# scripts/bench.sh (its results.txt, samples and ws-rss.dat).
# usage: plots.sh RESULTS_DIR IMAGES_DIR
set -euo pipefail
OUT=$1 IMG=$2
RES="$OUT/results.txt"
get() { sed -n "s/^$1=//p" "$RES" | tail -n 1; }
field() { sed -n "s/.*[ ^]$1=\([^ ]*\).*/\1/p" <<<" $2"; }
SERVERS=(latchkey nginx caddy lighttpd node)
TERM_PNG='set terminal pngcairo noenhanced size 900,520 font "DejaVu Sans,11"'
gnuplot -e 'set terminal pngcairo' -e 'exit' >/dev/null 2>&1 || TERM_PNG='set terminal png noenhanced size 900,520'

# P2: full mTLS handshakes per CPU-second of one core, with the openssl speed bound.
: > "$OUT/plot-hs.dat"
for s in "${SERVERS[@]}"; do echo "$s $(get "hs_per_cpu_s_$s")" >> "$OUT/plot-hs.dat"; done
BOUND=$(get crypto_bound_hs_per_s)
gnuplot <<GP
$TERM_PNG
set output "$IMG/bench-handshakes.png"
set title "Full mTLS handshakes (TLS 1.3, ECDSA P-256 both ways) per CPU-second, one core"
set style fill solid 0.8 border -1
set boxwidth 0.6
set yrange [0:$BOUND * 1.25]
set ylabel "handshakes / CPU-second"
set grid ytics
set key top left
plot "$OUT/plot-hs.dat" using 0:2:xtic(1) with boxes lc rgb "#1d4ed8" title "measured", \
     "$OUT/plot-hs.dat" using 0:2:(sprintf("%d", \$2)) with labels offset 0,0.8 notitle, \
     $BOUND with lines lw 2 dt 2 lc rgb "#b91c1c" title "crypto bound (openssl speed)"
GP

# P1: latency distribution of one tap, Latchkey (PIN + sign + MQTT + device ack) vs node.
for f in latchkey node; do
  awk '$3 == 200 { print $2 / 1000 }' "$OUT/p1-$f.samples" | sort -n | awk '{ v[NR] = $1 } END { for (i = 1; i <= NR; i++) print v[i], i / NR }' > "$OUT/plot-p1-$f.dat"
done
sort -n "$OUT/p1-tap-relay.ms" | awk '{ v[NR] = $1 } END { for (i = 1; i <= NR; i++) print v[i], i / NR }' > "$OUT/plot-p1-relay.dat"
gnuplot <<GP
$TERM_PNG
set output "$IMG/bench-latency.png"
set title "P1: one tap on a keep-alive connection (loopback, real Mosquitto and device)"
set xlabel "latency (ms, log scale)"
set ylabel "fraction of taps"
set logscale x
set grid
set key top left
set yrange [0:1.02]
plot "$OUT/plot-p1-relay.dat" using 1:2 with steps lw 2 lc rgb "#166534" title "Latchkey tap -> relay on", \
     "$OUT/plot-p1-latchkey.dat" using 1:2 with steps lw 2 lc rgb "#1d4ed8" title "Latchkey tap -> ack -> answer", \
     "$OUT/plot-p1-node.dat" using 1:2 with steps lw 2 lc rgb "#b91c1c" title "node: spawn mosquitto_pub -> answer"
GP

# P3: idle RSS of every server, and the gateway's RSS against open websockets.
: > "$OUT/plot-rss.dat"
for s in "${SERVERS[@]}"; do echo "$s $(awk -v k="$(get "rss_idle_kb_$s")" 'BEGIN {printf "%.1f", k / 1024}')" >> "$OUT/plot-rss.dat"; done
gnuplot <<GP
$TERM_PNG
set output "$IMG/bench-memory.png"
set multiplot layout 1,2 title "P3: resident memory (RSS)"
set style fill solid 0.8 border -1
set boxwidth 0.6
set yrange [0:*]
set grid ytics
set title "idle, one worker (MiB)"
plot "$OUT/plot-rss.dat" using 0:2:xtic(1) with boxes lc rgb "#1d4ed8" notitle, \
     "$OUT/plot-rss.dat" using 0:2:(sprintf("%.1f", \$2)) with labels offset 0,0.8 notitle
set title "latchkey-gateway with open websockets (MiB)"
set xlabel "open websockets"
set xrange [0:*]
plot "$OUT/ws-rss.dat" using 1:(\$2 / 1024) with linespoints lw 2 pt 7 lc rgb "#1d4ed8" notitle
unset multiplot
GP
echo "plots.sh: wrote $IMG/bench-handshakes.png bench-latency.png bench-memory.png"
