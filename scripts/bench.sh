#!/usr/bin/env bash
# bench.sh - the benchmarks of docs/benchmarks.md in one run, on this machine, loopback only:
# Latchkey (gateway + real Mosquitto + simulated devices) beside nginx, Caddy, lighttpd
# (mod_wolfssl) and the node design, all on the same ECDSA P-256 certificates of one
# latchkey-certs PKI, each with one worker pinned to CPU 0 and requiring client certs; the
# load generator (tests/bench, latchkey-bench) runs on CPU 1.
#   P1 tap -> relay -> ack latency (keep-alive phone connection) vs the node spawn path
#   P2 full mTLS handshakes per second of one core vs the peers and the openssl speed bound
#   P3 RSS idle and per open websocket; the peers' idle RSS
#   P4 firmware core size (scripts/firmware-size.sh)
#   P5 the bare-metal image in QEMU: flash/RAM by component, instructions per handshake and
#      per Ed25519 verify under -icount, heap/stack high-water (scripts/mcu-sizes.sh)
#   tap A/B warm tap on disk: this build's gateway and a baseline build's, interleaved rounds
#   audit  the audit log at 10 k, 100 k and 1 M rows: audit --user, --since, --json, /history
#   crl    CRLs of 1 k, 10 k and 100 k entries: start-up, handshakes, request latency while
#          CRLs are swapped and on SIGHUP (tests/bench/crl_bench.sh; against --baseline too)
#   doors  page, tap, RSS and MQTT subscriptions at 1, 32, 128, 256 doors (tests/bench/doors_curve.sh)
# Installs the peers it needs (nginx-light caddy lighttpd lighttpd-mod-wolfssl gnuplot-nox)
# with apt-get when missing (root). Starts every process itself and stops it by PID; never
# touches system services. About 5 minutes.
# usage: bench.sh [--build DIR] [--out DIR] [--images DIR] [--quick] [--only LIST]
#                 [--baseline DIR]
#   (TMPDIR=/dev/shm bash scripts/bench.sh puts the throw-away site, the gateway's audit
#   database included, on tmpfs: P1 without the disk's fsync latency)
#   --build   build directory (default build-bench; configured and built here)
#   --out     where results go (default BUILD/bench-results)
#   --images  where the PNG plots go (default docs/images)
#   --quick   shorter runs (for trying the script)
#   --only    comma-separated parts to run: p1,p2,p3,p4,p5,ab,audit,callgrind,doors,crl (default: all;
#             ab needs --baseline)
#   --baseline  build directory of another gateway (e.g. main's) for the tap A/B rounds
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build-bench OUT="" IMAGES=$ROOT/docs/images QUICK=0 ONLY=p1,p2,p3,p4,p5,ab,audit,callgrind,doors,crl
BASELINE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --images) IMAGES=$2; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --only) ONLY=$2; shift 2 ;;
    --baseline) BASELINE=$(cd "$2" && pwd); shift 2 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
OUT=${OUT:-$BUILD/bench-results}
want() { [[ ",$ONLY," == *",$1,"* ]]; }
[ -z "$BASELINE" ] || [ -x "$BASELINE/gateway/latchkey-gateway" ] ||
  { echo "bench.sh: no gateway in $BASELINE" >&2; exit 1; }

# Peers and plotting are installed here, not by install-deps.sh: the test suite does not
# need them.
PEERS=0 # nginx, Caddy, lighttpd: for P2 and P3 only
if want p2 || want p3; then PEERS=1; fi
EXTRA=()
[ "$PEERS" = 0 ] || EXTRA+=(nginx-light caddy lighttpd lighttpd-mod-wolfssl)
if want p1 && want p2 && want p3; then EXTRA+=(gnuplot-nox); fi
missing=()
for p in "${EXTRA[@]+"${EXTRA[@]}"}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || { echo "bench.sh: needs ${missing[*]}; run as root or install them" >&2; exit 1; }
  echo "bench.sh: installing ${missing[*]}"
  # policy-rc.d-less machines would start the packaged services: keep them stopped.
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
TOOLS=(node mosquitto mosquitto_pub taskset openssl sqlite3 python3)
[ "$PEERS" = 0 ] || TOOLS+=(nginx caddy lighttpd)
if want p1 && want p2 && want p3; then TOOLS+=(gnuplot); fi
for t in "${TOOLS[@]}"; do
  command -v "$t" >/dev/null || { echo "bench.sh: $t not found" >&2; exit 1; }
done
[ "$(nproc)" -ge 2 ] || { echo "bench.sh: needs 2 CPUs (server on CPU 0, load on CPU 1)" >&2; exit 1; }

cmake -S "$ROOT" -B "$BUILD" >/dev/null
cmake --build "$BUILD" -j2 >/dev/null
BENCH="$BUILD/tests/bench/latchkey-bench"

. "$ROOT/tests/lib/testlib.sh"
mkdir -p "$OUT" "$IMAGES"
RES="$OUT/results.txt"
: > "$RES"
rm -f "$OUT"/hs-*.rate "$OUT"/hs-*.percpu "$OUT"/hs-*.util
res() { echo "$1=$2" >> "$RES"; lk_log "$1 = $2"; }
# instr_per_hs CALLGRIND_FILE FUNCTION: FUNCTION's inclusive instructions / 100 (the runs below
# serve 100 handshakes; SSL_accept for lws, SSL_do_handshake for nginx).
instr_per_hs() {
  callgrind_annotate --inclusive=yes "$1" 2>/dev/null |
    awk -v f="???:$2 " 'index($0, f) { gsub(",", "", $1); printf "%.2fM\n", $1 / 100 / 1e6; exit }'
}
if [ "$QUICK" = 1 ]; then HS_SECS=3 HS_ROUNDS=1 KA_SECS=2 P1_SECS=5 SPEED_SECS=1 PROF_SECS=2 AB_ROUNDS=1 AUDIT_SIZES="10000 100000"
else HS_SECS=8 HS_ROUNDS=3 KA_SECS=5 P1_SECS=20 SPEED_SECS=3 PROF_SECS=5 AB_ROUNDS=4 AUDIT_SIZES="10000 100000 1000000"; fi

# ---------------------------------------------------------------- the site (Latchkey)
lk_free_port BROKER_PORT
lk_free_port GW_PORT
SITE="$LK_TMP/site"
PIN=482915
DOORS=(door1 door2 door3 door4)
DOOR_ARGS=()
for d in "${DOORS[@]}"; do DOOR_ARGS+=(--door "$d"); done
bash "$ROOT/scripts/make-site.sh" --bin "$BUILD" --out "$SITE" --broker-port "$BROKER_PORT" \
  --gateway-port "$GW_PORT" "${DOOR_ARGS[@]}" --pin "$PIN" \
  --per-address 8192 >/dev/null # every client is 127.0.0.1
PKI="$SITE/pki"
CA="$PKI/ca/ca.crt" CRT="$PKI/issued/localhost.crt" KEY="$PKI/private/localhost.key"
CCRT="$PKI/issued/alice.crt" CKEY="$PKI/private/alice.key"
BENCH_ARGS=(--cert "$CCRT" --key "$CKEY")
for d in "${DOORS[@]}"; do # shortest pulse, no pause after it: back-to-back actions are not "busy"
  sed -i -e 's/^pulse_ms = .*/pulse_ms = 50/' -e '$a min_interval_ms = 0' "$SITE/device-$d.conf"
done

# The node door speaks MQTT as an identity of its own: the broker names every session by
# its certificate's CN, so sharing the gateway's certificate would kick the gateway.
LATCHKEY_CA_PASSPHRASE=$(cat "$SITE/ca.passphrase") "$BUILD/certs-tool/latchkey-certs" -d "$PKI" \
  issue client bench-node >/dev/null
printf '\n# The node door of scripts/bench.sh\nuser bench-node\ntopic write latchkey/home/benchnode/cmd\n' \
  >>"$SITE/broker/acl"

echo "log_type subscribe" >>"$SITE/broker/mosquitto.conf" # the doors part counts them
lk_start mosquitto mosquitto -c "$SITE/broker/mosquitto.conf"
lk_wait_port "$BROKER_PORT" 10 "$LK_LAST_PID"
for d in "${DOORS[@]}"; do
  lk_start "device-$d" "$BUILD/firmware/port/posix/latchkey-device" -c "$SITE/device-$d.conf"
done
lk_start gateway taskset -c 0 "$BUILD/gateway/latchkey-gateway" -c "$SITE/gateway.conf"
GW_PID=$LK_LAST_PID
lk_wait_port "$GW_PORT" 10 "$GW_PID"

# ---------------------------------------------------------------- the peers
WWW="$LK_TMP/www"
mkdir -p "$WWW"
# The peers serve a static page of the size of the gateway's page.
curl -sS --cacert "$CA" --cert "$CCRT" --key "$CKEY" "https://localhost:$GW_PORT/" -o "$WWW/index.html"
res page_bytes "$(stat -c %s "$WWW/index.html")"
ROOT_USER=""
[ "$(id -u)" -ne 0 ] || ROOT_USER="user root;"   # workers must read the 0700 temp dir

NGINX_PORT="" CADDY_PORT="" LIGHTTPD_PORT="" NGINX_PID="" CADDY_PID="" LIGHTTPD_PID=""
if [ "$PEERS" = 1 ]; then
lk_free_port NGINX_PORT
mkdir -p "$LK_TMP/nginx"
cat > "$LK_TMP/nginx/nginx.conf" <<EOF
$ROOT_USER
daemon off;
worker_processes 1;
pid $LK_TMP/nginx/nginx.pid;
error_log $LK_TMP/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $LK_TMP/nginx/body;
  proxy_temp_path $LK_TMP/nginx/proxy;
  fastcgi_temp_path $LK_TMP/nginx/fastcgi;
  server {
    listen 127.0.0.1:$NGINX_PORT ssl;
    server_name localhost;
    ssl_certificate $CRT;
    ssl_certificate_key $KEY;
    ssl_client_certificate $CA;
    ssl_verify_client on;
    ssl_protocols TLSv1.2 TLSv1.3;
    root $WWW;
  }
}
EOF
lk_start nginx taskset -c 0 nginx -p "$LK_TMP/nginx" -c "$LK_TMP/nginx/nginx.conf"
NGINX_PID=$LK_LAST_PID

lk_free_port CADDY_PORT
mkdir -p "$LK_TMP/caddy"
cat > "$LK_TMP/caddy/Caddyfile" <<EOF
{
  admin off
  auto_https off
  storage file_system $LK_TMP/caddy/data
}
https://localhost:$CADDY_PORT {
  bind 127.0.0.1
  tls $CRT $KEY {
    client_auth {
      mode require_and_verify
      trusted_ca_cert_file $CA
    }
  }
  root * $WWW
  file_server
}
EOF
lk_start caddy env GOMAXPROCS=1 HOME="$LK_TMP/caddy" XDG_DATA_HOME="$LK_TMP/caddy" \
  XDG_CONFIG_HOME="$LK_TMP/caddy" taskset -c 0 caddy run --config "$LK_TMP/caddy/Caddyfile" --adapter caddyfile
CADDY_PID=$LK_LAST_PID

lk_free_port LIGHTTPD_PORT
mkdir -p "$LK_TMP/lighttpd"
cat > "$LK_TMP/lighttpd/lighttpd.conf" <<EOF
server.modules = ("mod_wolfssl")
server.document-root = "$WWW"
server.bind = "127.0.0.1"
server.port = $LIGHTTPD_PORT
server.pid-file = "$LK_TMP/lighttpd/lighttpd.pid"
server.errorlog = "$LK_TMP/lighttpd/error.log"
server.event-handler = "linux-sysepoll"
index-file.names = ("index.html")
mimetype.assign = (".html" => "text/html; charset=utf-8")
ssl.engine = "enable"
ssl.pemfile = "$CRT"
ssl.privkey = "$KEY"
ssl.ca-file = "$CA"
ssl.verifyclient.activate = "enable"
ssl.verifyclient.enforce = "enable"
EOF
lk_start lighttpd taskset -c 0 lighttpd -D -f "$LK_TMP/lighttpd/lighttpd.conf"
LIGHTTPD_PID=$LK_LAST_PID

fi

lk_free_port NODE_PORT
lk_start node taskset -c 0 node "$ROOT/tests/bench/node_door.js" "$NODE_PORT" "$CRT" "$KEY" "$CA" \
  "$WWW/index.html" "$BROKER_PORT" "$PKI/issued/bench-node.crt" "$PKI/private/bench-node.key" \
  latchkey/home/benchnode/cmd
NODE_PID=$LK_LAST_PID

if [ "$PEERS" = 1 ]; then
  lk_wait_port "$NGINX_PORT" 10 "$NGINX_PID"
  lk_wait_port "$CADDY_PORT" 10 "$CADDY_PID"
  lk_wait_port "$LIGHTTPD_PORT" 10 "$LIGHTTPD_PID"
fi
lk_wait_port "$NODE_PORT" 10 "$NODE_PID"

SERVERS=(latchkey nginx caddy lighttpd node)
[ "$PEERS" = 1 ] || SERVERS=(latchkey node)
declare -A PORT=([latchkey]=$GW_PORT [nginx]=$NGINX_PORT [caddy]=$CADDY_PORT [lighttpd]=$LIGHTTPD_PORT [node]=$NODE_PORT)
declare -A PID=([latchkey]=$GW_PID [nginx]=$NGINX_PID [caddy]=$CADDY_PID [lighttpd]=$LIGHTTPD_PID [node]=$NODE_PID)

# tree PID: the PID and its descendants (taskset/env exec, so PID is the server; nginx forks).
tree() {
  local p c
  for p in "$@"; do
    echo "$p"
    for c in $(pgrep -P "$p" 2>/dev/null || true); do tree "$c"; done
  done
}
tree_sum() { # PID FILE AWK: the sum over the tree's live processes of AWK on /proc/<p>/FILE
  local t=0 p v
  for p in $(tree "$1"); do
    v=$(awk "$3" "/proc/$p/$2" 2>/dev/null || true)
    t=$(( t + ${v:-0} ))
  done
  echo "$t"
}
rss_kb() { tree_sum "$1" status '/^VmRSS:/ {print $2}'; }      # VmRSS of the tree
cpu_ticks() { tree_sum "$1" stat '{print $14 + $15}'; }        # utime + stime of the tree
HZ=$(getconf CLK_TCK)
# pct FILE Q: the Q quantile (0..1) of the sorted numbers in FILE.
pct() { awk -v q="$2" '{ v[NR] = $1 } END { if (NR == 0) { print "n/a"; exit } i = int(q * NR + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR; print v[i] }' "$1"; }
# start_gw NAME BIN CONF: a gateway on CPU 0 on the site's ports, connected; sets GW_PID.
start_gw() {
  lk_start "$1" taskset -c 0 "$2/gateway/latchkey-gateway" -c "$3"
  GW_PID=$LK_LAST_PID
  lk_wait_port "$GW_PORT" 30 "$GW_PID"
  lk_wait_for 30 "$1 connected to the broker" grep -q "connected and subscribed" "$LK_TMP/$1.log"
}
# taps NAME SECS: one phone tapping door1 every 100 ms (P1's pattern); samples in NAME.samples,
# the warm taps (all but the first) in NAME.warm (ms, sorted).
taps() {
  local out
  out=$(taskset -c 1 "$BENCH" "${BENCH_ARGS[@]}" --ca "$CA" --port "$GW_PORT" --mode action --conns 1 \
    --pin "$PIN" --door door1 --duration "$2" --requests 400 --think-ms 100 \
    --samples "$OUT/$1.samples" 2>"$OUT/$1.err") || lk_log "$1 had errors: $(cat "$OUT/$1.err")"
  res "$1" "$out"
  awk 'NR > 1 && $3 == 200 { printf "%.3f\n", $2 / 1000 }' "$OUT/$1.samples" | sort -n > "$OUT/$1.warm"
}
# warm_res KEY FILE: n, p50, p90, p99 and max of the sorted warm-tap times in FILE.
warm_res() {
  res "${1}_n" "$(wc -l < "$2")"
  res "${1}_p50_ms" "$(pct "$2" 0.5)"
  res "${1}_p90_ms" "$(pct "$2" 0.9)"
  res "${1}_p99_ms" "$(pct "$2" 0.99)"
  res "${1}_max_ms" "$(tail -n 1 "$2")"
}
field() { sed -n "s/.*[ ^]$1=\([^ ]*\).*/\1/p" <<<" $2"; }

# ---------------------------------------------------------------- P3 (idle RSS first)
if want p3; then
sleep 2
for s in "${SERVERS[@]}"; do res "rss_idle_kb_$s" "$(rss_kb "${PID[$s]}")"; done
fi

# ---------------------------------------------------------------- P2
if want p2; then
# A full handshake per request (TLS 1.3, P-256 ECDHE, ECDSA P-256 certificates both ways,
# no tickets, no session cache), 16 connections from CPU 1. The server's CPU time over the
# run gives handshakes per CPU-second, which does not depend on whether the load generator
# or the server was the bottleneck.
median() { sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : 0 }'; }
for round in $(seq 1 "$HS_ROUNDS"); do # interleaved rounds: a noisy neighbour hits all alike
  for s in "${SERVERS[@]}"; do
    before=$(cpu_ticks "${PID[$s]}")
    out=$(taskset -c 1 "$BENCH" "${BENCH_ARGS[@]}" --port "${PORT[$s]}" --mode handshake --conns 16 \
      --duration "$HS_SECS" 2>"$OUT/hs-$s.err") || lk_log "$s: handshake run had errors: $(cat "$OUT/hs-$s.err")"
    after=$(cpu_ticks "${PID[$s]}")
    secs=$(field secs "$out"); ok=$(field ok "$out")
    cpu=$(awk -v a="$after" -v b="$before" -v hz="$HZ" 'BEGIN {printf "%.2f", (a - b) / hz}')
    res "hs_${s}_r$round" "$out cpu_s=$cpu"
    echo "$(field rate "$out")" >> "$OUT/hs-$s.rate"
    awk -v n="$ok" -v c="$cpu" 'BEGIN {printf "%.0f\n", (c > 0 ? n / c : 0)}' >> "$OUT/hs-$s.percpu"
    awk -v c="$cpu" -v t="$secs" 'BEGIN {printf "%.2f\n", (t > 0 ? c / t : 0)}' >> "$OUT/hs-$s.util"
  done
done
for s in "${SERVERS[@]}"; do
  res "hs_rate_$s" "$(median < "$OUT/hs-$s.rate")"
  res "hs_per_cpu_s_$s" "$(median < "$OUT/hs-$s.percpu")"
  res "hs_util_$s" "$(median < "$OUT/hs-$s.util")"
done
# Keep-alive request rate of the same page (context for P1 and P2).
for s in "${SERVERS[@]}"; do
  out=$(taskset -c 1 "$BENCH" "${BENCH_ARGS[@]}" --port "${PORT[$s]}" --mode keepalive --conns 16 \
    --duration "$KA_SECS" 2>"$OUT/ka-$s.err") || lk_log "$s: keep-alive run had errors: $(cat "$OUT/ka-$s.err")"
  res "ka_$s" "$out"
done

# The crypto bound of one core, from openssl speed on CPU 0 (see docs/benchmarks.md).
taskset -c 0 openssl speed -seconds "$SPEED_SECS" ecdsap256 ecdhp256 > "$OUT/openssl-speed.txt" 2>/dev/null
sign=$(awk '/ecdsa \(nistp256\)/ {print $(NF-1)}' "$OUT/openssl-speed.txt")
verify=$(awk '/ecdsa \(nistp256\)/ {print $NF}' "$OUT/openssl-speed.txt")
ecdh=$(awk '/ecdh \(nistp256\)/ {print $NF}' "$OUT/openssl-speed.txt")
res speed_sign_per_s "$sign"
res speed_verify_per_s "$verify"
res speed_ecdh_per_s "$ecdh"
# Server side of one handshake: ECDHE key generation (a fixed-base multiplication, costed as
# one ECDSA sign) + ECDH shared secret (one ecdh op) + CertificateVerify (one sign) + the
# client's CertificateVerify and its certificate's CA signature (two verifies).
res crypto_bound_hs_per_s "$(awk -v s="$sign" -v v="$verify" -v e="$ecdh" 'BEGIN {printf "%.0f", 1 / (2 / s + 2 / v + 1 / e)}')"

# Where the gateway's handshake time goes: a CPU-clock profile during a handshake run.
if perf record -e cpu-clock -o "$OUT/perf-probe.data" -- true >/dev/null 2>&1; then
  taskset -c 1 "$BENCH" "${BENCH_ARGS[@]}" --port "$GW_PORT" --mode handshake --conns 16 \
    --duration $(( PROF_SECS + 1 )) >/dev/null 2>&1 &
  load=$!
  sleep 0.5
  perf record -e cpu-clock -F 2000 -p "$GW_PID" -o "$OUT/perf-gateway.data" -- sleep "$PROF_SECS" >/dev/null 2>&1 || true
  wait "$load" || true
  perf report -i "$OUT/perf-gateway.data" --stdio --sort dso 2>/dev/null | grep -v '^#' | grep . | head -n 12 > "$OUT/perf-dso.txt" || true
  perf report -i "$OUT/perf-gateway.data" --stdio --sort dso,symbol 2>/dev/null | grep -v '^#' | grep . | head -n 30 > "$OUT/perf-symbols.txt" || true
  rm -f "$OUT/perf-probe.data"
fi
fi

# ---------------------------------------------------------------- P1
if want p1; then
# One phone on a keep-alive connection: GET / once for the CSRF token, then POST /action
# (each waits for the device's ack) with 100 ms between taps, so every tap finds the relay
# idle again (50 ms pulse). The first tap pays scrypt; later ones hit the verified-PIN cache
# (docs/gateway.md). The relay log gives the moment the relay moved.
RELAY_LOG="$SITE/relay-door1.log"  # the device keeps it open: count lines, never remove it
relay_base=$(cat "$RELAY_LOG" 2>/dev/null | wc -l)
out=$(taskset -c 1 "$BENCH" "${BENCH_ARGS[@]}" --ca "$CA" --port "$GW_PORT" --mode action --conns 1 \
  --pin "$PIN" --door door1 --duration "$P1_SECS" --requests 400 --think-ms 100 \
  --samples "$OUT/p1-latchkey.samples" \
  2>"$OUT/p1.err") || lk_log "P1 had errors: $(cat "$OUT/p1.err")"
res p1_latchkey "$out"
res p1_first_tap_ms "$(awk 'NR == 1 { printf "%.1f", $2 / 1000 }' "$OUT/p1-latchkey.samples")"
sleep 0.3
# tap -> relay on: k-th successful POST start to the k-th "on" line of the relay log (ms).
awk 'NR == FNR { if ($3 == 200) s[++n] = $1 / 1000; next } $2 == "on" { r[++m] = $1 }
     END { for (i = 1; i <= n && i <= m; i++) printf "%.1f\n", r[i] - s[i] }' \
  "$OUT/p1-latchkey.samples" <(tail -n +$(( relay_base + 1 )) "$RELAY_LOG") | sort -n > "$OUT/p1-tap-relay.ms"
res p1_tap_relay_p50_ms "$(pct "$OUT/p1-tap-relay.ms" 0.5)"
res p1_tap_relay_p99_ms "$(pct "$OUT/p1-tap-relay.ms" 0.99)"
# Warm taps: every tap after the first (which paid scrypt), tap -> ack -> answer (ms).
awk 'NR > 1 && $3 == 200 { printf "%.3f\n", $2 / 1000 }' "$OUT/p1-latchkey.samples" | sort -n > "$OUT/p1-warm.ms"
res p1_warm_n "$(wc -l < "$OUT/p1-warm.ms")"
res p1_warm_p50_ms "$(pct "$OUT/p1-warm.ms" 0.5)"
res p1_warm_p90_ms "$(pct "$OUT/p1-warm.ms" 0.9)"
res p1_warm_p99_ms "$(pct "$OUT/p1-warm.ms" 0.99)"
# The PIN check alone: scrypt N=2^15 r=8 p=1 (the gateway's parameters), five times.
s0=$(date +%s%N)
for _ in 1 2 3 4 5; do
  taskset -c 0 openssl kdf -keylen 32 -kdfopt pass:123456 -kdfopt salt:0123456789abcdef \
    -kdfopt n:32768 -kdfopt r:8 -kdfopt p:1 -kdfopt maxmem_bytes:67108864 SCRYPT >/dev/null
done
res p1_scrypt_ms "$(( ($(date +%s%N) - s0) / 5000000 ))"
# The same connection's plain GET / (no PIN, no MQTT): the HTTP + TLS record cost.
res p1_get_latchkey "$(taskset -c 1 "$BENCH" "${BENCH_ARGS[@]}" --port "$GW_PORT" --mode keepalive \
  --conns 1 --duration 3 --think-ms 20 2>/dev/null || true)"
# The node design: spawn mosquitto_pub per request (mTLS to the broker, QoS 1), keep-alive.
out=$(taskset -c 1 "$BENCH" "${BENCH_ARGS[@]}" --port "$NODE_PORT" --mode keepalive --path /open \
  --conns 1 --duration "$P1_SECS" --requests 200 --samples "$OUT/p1-node.samples" 2>"$OUT/p1-node.err") \
  || lk_log "node P1 had errors: $(cat "$OUT/p1-node.err")"
res p1_node "$out"
fi

# ---------------------------------------------------------------- tap A/B
# The warm tap with the audit database on this disk ($LK_TMP's), this build's gateway
# ("after") against a baseline build's ("before", --baseline), in interleaved rounds of
# P1_SECS each, the order swapped every round, so a noisy neighbour hits both alike. Each
# has its own database (a baseline may not read a newer schema). Then the fsyncs per tap,
# counted with strace: on the loop thread (on the path of the answer) and on the others.
if want ab && [ -n "$BASELINE" ]; then
  lk_stop "$GW_PID"
  for v in after before; do
    bin=$BUILD; [ "$v" = after ] || bin=$BASELINE
    sed "s|^database = .*|database = $LK_TMP/ab-$v.db|" "$SITE/gateway.conf" > "$LK_TMP/ab-$v.conf"
    printf '%s\n' "$PIN" | "$bin/gateway/latchkey-gateway" -c "$LK_TMP/ab-$v.conf" user add alice \
      --doors "$(IFS=,; echo "${DOORS[*]}")" --admin >/dev/null
    : > "$OUT/ab-$v.all"
  done
  : > "$OUT/ab-seed.all"
  res ab_load_before "$(cut -d' ' -f1-3 /proc/loadavg)"
  for round in $(seq 1 "$AB_ROUNDS"); do
    # the seed design (node + mosquitto_pub per tap) takes its turn in the same rounds
    case $(( round % 3 )) in 1) order="after before seed" ;; 2) order="before seed after" ;; *) order="seed after before" ;; esac
    for v in $order; do
      if [ "$v" = seed ]; then
        taskset -c 1 "$BENCH" "${BENCH_ARGS[@]}" --port "$NODE_PORT" --mode keepalive --path /open \
          --conns 1 --duration "$P1_SECS" --requests 400 --think-ms 100 \
          --samples "$OUT/ab-seed-r$round.samples" >/dev/null 2>"$OUT/ab-seed-r$round.err" \
          || lk_log "seed round $round had errors: $(cat "$OUT/ab-seed-r$round.err")"
        awk 'NR > 1 && $3 == 200 { printf "%.3f\n", $2 / 1000 }' "$OUT/ab-seed-r$round.samples" >> "$OUT/ab-seed.all"
        continue
      fi
      bin=$BUILD; [ "$v" = after ] || bin=$BASELINE
      start_gw "gateway-ab-$v-$round" "$bin" "$LK_TMP/ab-$v.conf"
      taps "ab-$v-r$round" "$P1_SECS"
      cat "$OUT/ab-$v-r$round.warm" >> "$OUT/ab-$v.all"
      lk_stop "$GW_PID"
    done
  done
  res ab_load_after "$(cut -d' ' -f1-3 /proc/loadavg)"
  for v in after before seed; do
    sort -n -o "$OUT/ab-$v.all" "$OUT/ab-$v.all"
    warm_res "ab_${v}_warm" "$OUT/ab-$v.all"
  done
  if command -v strace >/dev/null; then
    for v in after before; do
      bin=$BUILD; [ "$v" = after ] || bin=$BASELINE
      start_gw "gateway-ab-$v-strace" "$bin" "$LK_TMP/ab-$v.conf"
      strace -f -qq -T -e trace=fsync,fdatasync -o "$OUT/ab-$v.strace" -p "$GW_PID" &
      st=$!
      sleep 1
      taps "ab-$v-strace" 5
      sleep 1 # the flusher's delayed sync
      kill -INT "$st"; wait "$st" 2>/dev/null || true
      n=$(awk '$3 == 200' "$OUT/ab-$v-strace.samples" | wc -l)
      res "ab_${v}_fsync_per_tap_loop" "$(awk -v p="$GW_PID" -v n="$n" '$1 == p { c++ } END { printf "%.2f", n ? c / n : 0 }' "$OUT/ab-$v.strace")"
      res "ab_${v}_fsync_per_tap_other" "$(awk -v p="$GW_PID" -v n="$n" '$1 != p { c++ } END { printf "%.2f", n ? c / n : 0 }' "$OUT/ab-$v.strace")"
      # how long the loop's syncs took (strace -T adds its own cost: compare, do not add)
      awk -v p="$GW_PID" '$1 == p { gsub(/[<>]/, "", $NF); printf "%.3f\n", $NF * 1000 }' "$OUT/ab-$v.strace" | sort -n > "$OUT/ab-$v.loopsync"
      res "ab_${v}_loop_sync_p50_ms" "$(pct "$OUT/ab-$v.loopsync" 0.5)"
      res "ab_${v}_loop_sync_p90_ms" "$(pct "$OUT/ab-$v.loopsync" 0.9)"
      lk_stop "$GW_PID"
    done
  fi
  start_gw gateway-after-ab "$BUILD" "$SITE/gateway.conf"
fi

# ---------------------------------------------------------------- P3 websockets
if want p3; then
res rss_after_load_kb_latchkey "$(rss_kb "$GW_PID")"
: > "$OUT/ws-rss.dat"
echo "0 $(rss_kb "$GW_PID")" >> "$OUT/ws-rss.dat"
for n in 200 500 1000; do
  taskset -c 1 "$BENCH" "${BENCH_ARGS[@]}" --port "$GW_PORT" --mode ws --conns "$n" --hold 3 \
    --duration 60 > "$OUT/ws-$n.out" 2>"$OUT/ws-$n.err" &
  wsp=$!
  lk_wait_for 70 "$n websockets open" grep -q '^ws-open' "$OUT/ws-$n.out"
  sleep 1
  r=$(rss_kb "$GW_PID")
  echo "$(sed -n 's/^ws-open //p' "$OUT/ws-$n.out") $r" >> "$OUT/ws-rss.dat"
  wait "$wsp" || lk_log "ws $n: $(cat "$OUT/ws-$n.err")"
  res "ws_$n" "$(tail -n 1 "$OUT/ws-$n.out") rss_kb=$r"
  sleep 1
done
res ws_per_socket_bytes "$(awk 'NR == 2 { n0 = $1; r0 = $2 } END { if ($1 > n0) printf "%.0f", ($2 - r0) * 1024 / ($1 - n0) }' "$OUT/ws-rss.dat")"
for s in "${SERVERS[@]}"; do res "rss_after_load_kb_$s" "$(rss_kb "${PID[$s]}")"; done
fi

# ---------------------------------------------------------------- P4
if want p4; then
bash "$ROOT/scripts/firmware-size.sh" --build-dir "$BUILD/mcu" > "$OUT/firmware-size.txt" 2>&1 || true
res fw_flash_linked "$(sed -n 's/^core + common, linked.*flash \([0-9]*\) B.*/\1/p' "$OUT/firmware-size.txt")"
res fw_static_ram_image "$(sed -n 's/^test image.*static RAM \([0-9]*\) B.*/\1/p' "$OUT/firmware-size.txt")"
res fw_device_struct "$(sed -n 's/^struct lk_device.*: \([0-9]*\) B$/\1/p' "$OUT/firmware-size.txt")"
res fw_heap "$(sed -n 's/^test image.*heap \([0-9]*\) B.*/\1/p' "$OUT/firmware-size.txt")"
fi

# ---------------------------------------------------------------- P5
if want p5; then
bash "$ROOT/scripts/mcu-sizes.sh" --build "$BUILD" --image-dir "$BUILD/mcu-image" > "$OUT/mcu-sizes.txt" 2>&1 || true
res mcu_handshake_minsn "$(sed -n 's/^| full TLS 1.3 handshake[^|]*| \([0-9.]*\) M.*/\1/p' "$OUT/mcu-sizes.txt")"
res mcu_ed25519_verify_minsn "$(sed -n 's/^| Ed25519 verify[^|]*| \([0-9.]*\) M.*/\1/p' "$OUT/mcu-sizes.txt")"
res mcu_flash "$(sed -n 's/^| image flash[^|]*| \([0-9]*\) B.*/\1/p' "$OUT/mcu-sizes.txt")"
res mcu_heap_high_water "$(sed -n 's/^| heap high-water[^|]*| \([0-9]*\) B.*/\1/p' "$OUT/mcu-sizes.txt")"
fi

# ---------------------------------------------------------------- machine facts
res machine_cpu "$(nproc) x $(sed -n 's/^model name[[:space:]]*: //p;T;q' /proc/cpuinfo)"
res machine_kernel "$(uname -r)"
if [ "$PEERS" = 0 ]; then
  res versions "openssl $(openssl version | awk '{print $2}'), node $(node --version), mosquitto $(mosquitto -h | sed -n '1s/.*version //p'), sqlite $(sqlite3 --version | awk '{print $1}')"
else
res versions "openssl $(openssl version | awk '{print $2}'), nginx $(nginx -v 2>&1 | sed 's/.*\///'), caddy $(caddy version | awk '{print $1}'), lighttpd $(lighttpd -v | sed 's/ .*//; s/.*\///'), node $(node --version), mosquitto $(mosquitto -h | sed -n '1s/.*version //p')"
fi

# ---------------------------------------------------------------- where handshake time goes
if want callgrind; then
# perf cannot name OpenSSL's internal functions (stripped) and this VM has no hardware
# counters, so the call tree comes from callgrind: the gateway alone under valgrind serving
# 100 full handshakes (GET /). Inclusive instruction counts per function.
if command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null; then
  lk_stop "$GW_PID"
  # cg_gateway NAME GROUPS CACHE_SECS: the gateway under callgrind serving 100 full handshakes
  # of a client offering GROUPS, with [server] cert_cache_seconds = CACHE_SECS (0: every
  # handshake verifies the chain; else all but the first hit the verified-leaf cache);
  # records callgrind_NAME_instr_per_hs (SSL_accept inclusive / 100).
  cg_gateway() {
    sed -e '/^cert_cache_seconds = /d' -e "s/^\[server\]\$/[server]\ncert_cache_seconds = $3/" \
      "$SITE/gateway.conf" > "$LK_TMP/gateway-cg.conf"
    lk_start "gateway-callgrind-$1" valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.$1" \
      "$BUILD/gateway/latchkey-gateway" -c "$LK_TMP/gateway-cg.conf"
    CG_PID=$LK_LAST_PID
    lk_wait_port "$GW_PORT" 60 "$CG_PID"
    sleep 2
    res "callgrind_run_$1" "$("$BENCH" "${BENCH_ARGS[@]}" --port "$GW_PORT" --mode handshake --conns 2 \
      --groups "$2" --requests 100 --duration 600 --timeout-ms 30000 2>&1 || true)"
    LK_SLOW=6 lk_stop "$CG_PID"
    res "callgrind_$1_instr_per_hs" "$(instr_per_hs "$OUT/callgrind.$1" SSL_accept)"
  }
  cg_gateway gateway P-256 3600 # the default: the cache on
  callgrind_annotate --inclusive=yes "$OUT/callgrind.gateway" 2>/dev/null | head -n 80 > "$OUT/callgrind-inclusive.txt" || true
  callgrind_annotate "$OUT/callgrind.gateway" 2>/dev/null | head -n 50 > "$OUT/callgrind-self.txt" || true
  cg_gateway gateway_nocache P-256 0
  cg_gateway gateway_x25519 X25519:P-256 3600
  cg_gateway gateway_x25519_nocache X25519:P-256 0
  # nginx the same way (one process: master_process off), on a port of its own.
  if [ -n "$NGINX_PID" ]; then
    lk_free_port NGINX_CG_PORT
    sed -e 's/^daemon off;/daemon off;\nmaster_process off;/' -e "s/127.0.0.1:$NGINX_PORT /127.0.0.1:$NGINX_CG_PORT /" \
      -e "s|^pid .*|pid $LK_TMP/nginx/nginx-cg.pid;|" "$LK_TMP/nginx/nginx.conf" > "$LK_TMP/nginx/nginx-cg.conf"
    lk_start nginx-callgrind valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.nginx" \
      nginx -p "$LK_TMP/nginx" -c "$LK_TMP/nginx/nginx-cg.conf"
    CG_PID=$LK_LAST_PID
    lk_wait_for 60 "nginx under callgrind listening" bash -c "ss -ltn | grep -q '127.0.0.1:$NGINX_CG_PORT '"
    res callgrind_nginx_run "$("$BENCH" "${BENCH_ARGS[@]}" --port "$NGINX_CG_PORT" --mode handshake --conns 2 \
      --requests 100 --duration 120 --timeout-ms 30000 2>&1 || true)"
    LK_SLOW=6 lk_stop "$CG_PID"
    res callgrind_nginx_instr_per_hs "$(instr_per_hs "$OUT/callgrind.nginx" SSL_do_handshake)"
  fi
fi
fi

# ---------------------------------------------------------------- audit at 1,000,000 rows
# For each size: a copy of the site's database (its users) with that many synthetic rows
# (latchkey-audit-gen: 50 users, a year), then the command line's answers (median of 5,
# time to the first byte and to the end, the command's CPU time; JSON checked) and the
# history page (first page, a page from the middle of the log: request sent -> last byte,
# on one kept-alive connection, median of 5), and the warm tap with that database.
if want audit; then
  lk_stop "$GW_PID"
  for n in $AUDIT_SIZES; do
    db="$LK_TMP/audit-$n.db" conf="$LK_TMP/audit-$n.conf"
    sqlite3 "$SITE/gateway.db" ".backup '$db'"
    t0=$(date +%s%N)
    "$BUILD/tests/bench/latchkey-audit-gen" "$db" "$n" 50 365 >/dev/null
    res "audit_${n}_generate_ms" "$(( ($(date +%s%N) - t0) / 1000000 ))"
    sed "s|^database = .*|database = $db|" "$SITE/gateway.conf" > "$conf"
    for q in "user:audit --user user0042" "user_json:audit --user user0042 --json" \
             "since_1h:audit --since 1h" "since_1d:audit --since 1d" "json:audit --json"; do
      name=${q%%:*} args=${q#*:} flag=""
      [[ "$args" != *--json* ]] || flag=--json
      res "audit_${n}_$name" "$(python3 "$ROOT/tests/bench/time_cmd.py" 5 $flag -- \
        "$BUILD/gateway/latchkey-gateway" -c "$conf" $args)"
    done
    start_gw "gateway-audit-$n" "$BUILD" "$conf"
    key=$(sqlite3 "$db" "SELECT at_ms || '.' || id FROM audit WHERE id = (SELECT max(id) / 2 FROM audit)")
    for page in "first:/history" "middle:/history?older=$key"; do
      name=${page%%:*} path=${page#*:} urls=()
      for _ in 1 2 3 4 5 6; do urls+=(-o /dev/null "https://localhost:$GW_PORT$path"); done
      # the first request pays the handshake: the 5 after it on the same connection count
      curl -sS --http1.1 --cacert "$CA" --cert "$CCRT" --key "$CKEY" \
        -w '%{http_code} %{time_pretransfer} %{time_total} %{size_download}\n' "${urls[@]}" \
        > "$OUT/audit-$n-$name.curl"
      awk 'NR > 1 { printf "%.1f\n", ($3 - $2) * 1000 }' "$OUT/audit-$n-$name.curl" | sort -n > "$OUT/audit-$n-$name.ms"
      res "audit_${n}_history_$name" "ms_median=$(pct "$OUT/audit-$n-$name.ms" 0.5) ms_max=$(tail -n 1 "$OUT/audit-$n-$name.ms") status=$(awk '{ printf "%s%s", (NR > 1 ? "," : ""), $1 }' "$OUT/audit-$n-$name.curl") bytes=$(awk 'END { print $4 }' "$OUT/audit-$n-$name.curl")"
    done
    if [ "$n" = "${AUDIT_SIZES##* }" ]; then # the tap with the largest log
      taps "audit-$n-taps" "$P1_SECS"
      warm_res "audit_${n}_tap_warm" "$OUT/audit-$n-taps.warm"
    fi
    lk_stop "$GW_PID"
    res "audit_${n}_db_bytes" "$(stat -c %s "$db")"
    rm -f "$db" "$db-wal" "$db-shm"
  done
fi

# ---------------------------------------------------------------- doors
if want doors; then
  . "$ROOT/tests/bench/doors_curve.sh"
fi

# ---------------------------------------------------------------- CRL growth
if want crl; then
  lk_stop "$GW_PID"
  CRL_SECS=$([ "$QUICK" = 1 ] && echo 3 || echo 6) bash "$ROOT/tests/bench/crl_bench.sh" \
    "$SITE" "$GW_PORT" "$RES" "$BUILD" ${BASELINE:+"$BASELINE"}
fi

# ---------------------------------------------------------------- plots
if want p1 && want p2 && want p3; then
bash "$ROOT/tests/bench/plots.sh" "$OUT" "$IMAGES"
lk_log "results in $OUT/results.txt, plots in $IMAGES"
fi
