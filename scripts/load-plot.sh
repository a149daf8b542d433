#!/usr/bin/env bash
# load-plot.sh - draws the gateway's memory during a load run of scripts/load.sh (its
# rss.dat: ms, VmRSS KiB, phase, heap in use KiB) to a PNG with gnuplot; load.sh --plot
# calls it, and it redraws a saved run. An unreadable heap sample (0) is left out.
# usage: load-plot.sh RSS_DAT CLIENTS SECONDS OUT.png
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: load-plot.sh RSS_DAT CLIENTS SECONDS OUT.png" >&2; exit 2; }
DAT=$1 CLIENTS=$2 DURATION=$3 PLOT=$4
[ -r "$DAT" ] || { echo "load-plot.sh: cannot read $DAT" >&2; exit 1; }
command -v gnuplot >/dev/null || { echo "load-plot.sh: needs gnuplot (apt-get install gnuplot-nox)" >&2; exit 1; }
TERM_PNG='set terminal pngcairo noenhanced size 900,520 font "DejaVu Sans,11"'
gnuplot -e 'set terminal pngcairo' -e 'exit' >/dev/null 2>&1 || TERM_PNG='set terminal png noenhanced size 900,520'
rss() { # PHASE COLOUR TITLE: the VmRSS points of one phase
  echo "\"$DAT\" using (\$1 / 1000):(strcol(3) eq \"$1\" ? \$2 / 1024 : 1/0) with linespoints pt 7 ps 0.5 lc rgb \"$2\" title \"$3\""
}
gnuplot <<GP
$TERM_PNG
set output "$PLOT"
set title "Gateway memory: $CLIENTS websockets held $DURATION s while actions flow"
set xlabel "seconds"
set ylabel "MiB"
set grid
set key right center
set label 1 "points: VmRSS by phase; line: heap in use" at graph 0.02, graph 0.95
set yrange [0:*]
plot $(rss idle "#6b7280" idle), \
     $(rss opening "#d97706" opening), \
     $(rss held "#1d4ed8" "held + actions"), \
     $(rss closed "#059669" closed), \
     "$DAT" using (\$1 / 1000):(\$4 > 0 ? \$4 / 1024 : 1/0) with lines lw 2 lc rgb "#dc2626" title "heap in use"
GP
