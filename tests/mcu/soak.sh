#!/usr/bin/env bash
# soak.sh - 200 reconnects of the bare-metal image in QEMU (mps2-an386) against the real
# broker: the ESP-AT module emulator drops the link (CLOSED) 200 times, each time once the
# image is subscribed again, and every reconnect is a full TLS 1.3 handshake (no session
# resumption is compiled in) and MQTT session. The heap high-water mark the image logs
# after every handshake (the highest break _sbrk handed out: fragmentation shows there)
# must not move after the first session, no allocation may fail, the relay never moves
# and the link UART drops no byte. Uses the soak image (the test image with a 50..100 ms
# reconnect back-off, docs/firmware.md); a reconnect of the shipped image adds its
# 1..1.5 s back-off.
# usage: soak.sh SOURCE_DIR BUILD_DIR IMAGE_DIR [RECONNECTS]   (exit 77 without qemu-system-arm)
# shellcheck disable=SC2034 # BUILD is read by tests/lib/site.sh
ROOT=$1 BUILD=$2 IMAGE_DIR=$3 ROUNDS=${4:-200}
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"
. "$ROOT/tests/mcu/mcu.sh"
lk_mcu_require
IMAGE="$IMAGE_DIR/latchkey_mcu_qemu_soak.elf"
[ -f "$IMAGE" ] || { lk_log "SKIP: the image was not built"; exit 77; }

lk_site_make
lk_mcu_blob door1
lk_site_start_broker
lk_mcu_start_modem
lk_mcu_start_qemu "$IMAGE" "$LK_TMP/blob-door1.bin"
SUB="mqtt: subscribed latchkey/home/door1/cmd"
subscribed_reach() { [ "$(lk_mcu_log_count "$SUB")" -ge "$1" ]; }
lk_wait_for $(( 60 * LK_SLOW )) "first session" subscribed_reach 1

start=$(date +%s%N)
for i in $(seq 1 "$ROUNDS"); do
  kill -USR1 "$MODEM_PID"
  lk_wait_for $(( 30 * LK_SLOW )) "reconnect $i of $ROUNDS" subscribed_reach $(( i + 1 ))
done
ms=$(( ($(date +%s%N) - start) / 1000000 ))
lk_log "$ROUNDS reconnects in $ms ms ($(( ms / ROUNDS )) ms each)"

lk_expect_eq "$(lk_mcu_log_count "the module reported the connection closed")" "$ROUNDS" "link drops seen by the image"
handshakes=$(lk_mcu_log_count "tls: connected to localhost:$BROKER_PORT (TLSv1.3")
[ "$handshakes" -ge $(( ROUNDS + 1 )) ] || lk_fail "only $handshakes TLS 1.3 handshakes for $ROUNDS reconnects"
# "mem now: heap high-water H of S B (F failed), stack high-water K of L B", one per session
# (and one a minute): flat heap mark, no failed allocation, largest stack mark.
read -r first last lo hi failed stack n < <(sed -n 's/.*mem now: heap high-water \([0-9]*\) of [0-9]* B (\([0-9]*\) failed), stack high-water \([0-9]*\) of.*/\1 \2 \3/p' "$CONSOLE" |
  awk 'NR==1{f=$1; lo=$1; hi=$1} {if($1<lo)lo=$1; if($1>hi)hi=$1; if($2>fl)fl=$2; if($3>st)st=$3; l=$1}
       END{print f+0, l+0, lo+0, hi+0, fl+0, st+0, NR}')
lk_log "heap high-water: first session $first B, last $last B (range $lo..$hi over $n reports), failed allocations $failed, stack high-water $stack B"
[ "$n" -ge "$handshakes" ] || lk_fail "$n memory reports for $handshakes sessions"
[ "$failed" -eq 0 ] || lk_fail "$failed heap allocations failed"
[ "$hi" -eq "$first" ] || lk_fail "the heap high-water mark grew from $first to $hi B over $ROUNDS reconnects"
lk_expect_eq "$(lk_mcu_relay_count on)" 0 "relay pulses during the soak"
! grep -q 'rx dropped [1-9]' "$CONSOLE" || lk_fail "the link UART dropped received bytes"
lk_log "soak of $ROUNDS reconnects passed"
