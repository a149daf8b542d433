#!/usr/bin/env bash
# mcu-sizes.sh - the cost report of the bare-metal device (docs/firmware.md "Sizes and
# cost", docs/benchmarks.md "P5"): flash and RAM of the shipped image by component (from
# its link map, scripts/mcu-image.sh), and, from a run of the test image in QEMU with
# -icount shift=0 (one instruction = one nanosecond of the guest's clock, so the CPU time
# the image logs, board_busy_us(), is instructions / 1000) against a real broker on
# loopback: instructions per full TLS 1.3 handshake and per Ed25519 verify, heap and stack
# high-water marks. Printed as a Markdown table next to the published anchors.
# Needs the host build (latchkey-certs, make-site.sh's tools), qemu-system-arm, mosquitto.
# Exit 77 without qemu-system-arm or the cross compiler.
# usage: mcu-sizes.sh [--build DIR] [--image-dir DIR]   (defaults: build, BUILD/tests/mcu/image)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build IMAGE_DIR=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD=$(cd "$2" && pwd); shift 2 ;;
    --image-dir) IMAGE_DIR=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "mcu-sizes.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
IMAGE_DIR=${IMAGE_DIR:-$BUILD/tests/mcu/image}
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"
. "$ROOT/tests/lib/commands.sh"
. "$ROOT/tests/mcu/mcu.sh"
lk_mcu_require
rc=0
bash "$ROOT/scripts/mcu-image.sh" --build-dir "$IMAGE_DIR" -q >"$LK_TMP/image.txt" || rc=$?
[ "$rc" -ne 77 ] || exit 77
[ "$rc" -eq 0 ] || lk_fail "scripts/mcu-image.sh failed: $(tail -n 5 "$LK_TMP/image.txt")"

lk_site_make
lk_mcu_blob door1 --pulse-ms 200
lk_site_start_broker
lk_mcu_start_modem
# sleep=on: while the guest idles (waiting for the link) the clock follows real time, so
# the AT and MQTT timeouts keep their meaning; busy time is instructions exactly.
# shellcheck disable=SC2034 # read by lk_mcu_start_qemu (tests/mcu/mcu.sh)
LK_QEMU_ARGS=(-icount "shift=0,align=off,sleep=on")
lk_mcu_start_qemu "$IMAGE_DIR/latchkey_mcu_qemu_testclock.elf" "$LK_TMP/blob-door1.bin"
lk_wait_for $(( 120 * LK_SLOW )) "image subscribed" lk_mcu_log_has "mqtt: subscribed latchkey/home/door1/cmd"
KEY="$PKI/cmd/command.key"
id=$(newid); now=$(date +%s)
cmd_json "$id" home door1 open "$now" $((now + 30)) "$(sign "$KEY" "$id" home door1 open attacker "$now" $((now + 30)))" | publish
lk_wait_for $(( 60 * LK_SLOW )) "a verified command" lk_mcu_log_has "ed25519: verify ok"
lk_log "one link drop: a second handshake, in a running image"
kill -USR1 "$MODEM_PID"
two() { [ "$(lk_mcu_log_count "mqtt: subscribed latchkey/home/door1/cmd")" -ge 2 ]; }
lk_wait_for $(( 120 * LK_SLOW )) "image subscribed again" two

cpu_of() { sed -n "s/.*$1.*CPU \\([0-9]*\\) us.*/\\1/p" "$CONSOLE"; }
mega() { awk -v u="$1" 'BEGIN { printf "%.1f M", u / 1000 }'; }
hs=$(cpu_of "tls: connected" | tail -n1) hs1=$(cpu_of "tls: connected" | head -n1)
vf=$(cpu_of "ed25519: verify ok" | head -n1)
heap=$(sed -n 's/.*mem now: heap high-water \([0-9]*\) of.*/\1/p' "$CONSOLE" | sort -n | tail -n1)
stack=$(sed -n 's/.*stack high-water \([0-9]*\) of.*/\1/p' "$CONSOLE" | sort -n | tail -n1)
read -r flash ram _ < <(sed -n 's/^| \*\*total\*\* | \*\*\([0-9]*\)\*\* | \*\*\([0-9]*\)\*\* |$/\1 \2/p' "$LK_TMP/image.txt")
wolf=$(sed -n 's/^| wolfSSL | \([0-9]*\) | .*/\1/p' "$LK_TMP/image.txt")
mqtt=$(sed -n 's/^| of which the MQTT client [^|]* | \([0-9]*\) | .*/\1/p' "$LK_TMP/image.txt")
heap_region=$(sed -n 's/.*heap region \([0-9]*\) B.*/\1/p' "$LK_TMP/image.txt")
[ -n "$hs" ] && [ -n "$vf" ] && [ -n "$heap" ] && [ -n "$flash" ] || lk_fail "a measurement is missing (console: $CONSOLE)"

cat <<REPORT
Latchkey bare-metal device, Cortex-M4 (QEMU mps2-an386, -icount shift=0), $(date -u +%Y-%m-%d)
$(sed -n '1,3p' "$LK_TMP/image.txt")

| what | Latchkey (measured) | anchor |
| --- | ---: | --- |
| full TLS 1.3 handshake (P-256 ECDHE, ECDSA chain check, client certificate) | $(mega "$hs") instructions (first after boot: $(mega "$hs1")) | ~12 M (feasibility study) |
| Ed25519 verify of a command (wolfCrypt, small: CURVED25519_SMALL) | $(mega "$vf") instructions | 1.2 M with the table-based Ed25519 (+46 KB flash) |
| at 64 MHz, 1 instruction per cycle | handshake $(awk -v u="$hs" 'BEGIN{printf "%.0f", u/64}') ms, verify $(awk -v u="$vf" 'BEGIN{printf "%.0f", u/64}') ms | |
| image flash (text+rodata+data) | $flash B | |
| of which wolfSSL (TLS 1.3 client) | $wolf B | wolfSSL's published typical footprint ~60 KB; Tasmota's TLS +34.5 KB code |
| of which the MQTT client | $mqtt B | coreMQTT 6.9 KB (-Os) |
| static RAM (data+bss) | $ram B | Tasmota's TLS +7 KB RAM |
| heap high-water (region $heap_region B) | $heap B | |
| stack high-water (of 8192 B) | $stack B | |

Flash and RAM by component:
$(sed -n '/^| component/,$p' "$LK_TMP/image.txt" | grep '^|')
REPORT
