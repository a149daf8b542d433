#!/usr/bin/env bash
# stall.sh - relay safety when the bare-metal image's main loop stalls mid-pulse, seen from
# the host: the stall image (stall_hook.h) stops its main loop for good the moment a
# signed command switches the relay on. The relay output, read by relay_watch.py through
# QEMU's monitor (not from the firmware's log), must still go off by the board's hardware
# timer at pulse_ms + 100 ms (not at pulse_ms: the loop that would end it is stuck; the
# watcher's bracketing of each transition makes the bounds hold under load), and
# the watchdog (8 s: NMI at 4 s, reset at 8 s) must reset the board, which boots again
# with the relay off and does not pulse again.
# usage: stall.sh SOURCE_DIR BUILD_DIR IMAGE_DIR   (exit 77 without qemu-system-arm)
# shellcheck disable=SC2034 # BUILD is read by tests/lib/site.sh
ROOT=$1 BUILD=$2 IMAGE_DIR=$3
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"
. "$ROOT/tests/lib/commands.sh"
. "$ROOT/tests/mcu/mcu.sh"
lk_mcu_require
IMAGE="$IMAGE_DIR/latchkey_mcu_qemu_stall.elf"
[ -f "$IMAGE" ] || { lk_log "SKIP: the image was not built"; exit 77; }
PULSE_MS=400 MARGIN_MS=100 WATCHDOG_MS=8000

lk_site_make
lk_mcu_blob door1 --pulse-ms $PULSE_MS
lk_site_start_broker
lk_mcu_start_modem
lk_mcu_start_qemu "$IMAGE" "$LK_TMP/blob-door1.bin"
BANNER="latchkey-device 0.1.0 on"
lk_wait_for $(( 60 * LK_SLOW )) "image subscribed" lk_mcu_log_has "mqtt: subscribed latchkey/home/door1/cmd"

lk_log "a signed command switches the relay on; the main loop stalls at that moment"
KEY="$PKI/cmd/command.key"
id=$(newid); now=$(date +%s)
cmd_json "$id" home door1 open "$now" $((now + 30)) "$(sign "$KEY" "$id" home door1 open attacker "$now" $((now + 30)))" | publish
relay_offs_reach() { [ "$(lk_mcu_relay_count off)" -ge "$1" ]; }
lk_wait_for $(( 10 * LK_SLOW )) "relay on, then off" relay_offs_reach 1
lk_mcu_log_has "TEST: the main loop stalls now" || lk_fail "the image did not stall (the test is blind)"
# The watcher brackets each transition between the last read of the old state ("last T")
# and the first read of the new one: the true pulse lasted at least MIN (the last "on" read
# minus the first) and at most MAX, however late the loaded host sampled.
read -r min max < <(awk '$1=="last"{l=$2; next} $2=="on"&&!on{on=$1; onl=l; next}
  $2=="off"&&on&&!off{off=$1; print l - on, off - onl}' "$RELAY_LOG")
[ -n "$min" ] || lk_fail "no complete pulse seen"
lk_log "pulse seen from the host with the main loop stalled: between $min and $max ms (core: $PULSE_MS, hardware cut-off: $(( PULSE_MS + MARGIN_MS )))"
# Longer than the core's pulse for sure (so the stalled core did not end it), and not
# longer than the hardware cut-off (plus its 1 ms timer granularity).
[ "$min" -gt "$PULSE_MS" ] || lk_fail "the pulse lasted $min..$max ms: not proven longer than the core's $PULSE_MS ms (sampling gaps of $(( max - min )) ms)"
[ "$min" -le $(( PULSE_MS + MARGIN_MS + 2 )) ] || lk_fail "the pulse lasted at least $min ms: the hardware cut-off did not end it at $(( PULSE_MS + MARGIN_MS )) ms"

lk_log "the watchdog resets the stalled board; it boots again with the relay off"
stall_at=$(date +%s%N)
booted_again() { [ "$(lk_mcu_log_count "$BANNER")" -ge 2 ]; }
lk_wait_for $(( (WATCHDOG_MS / 1000 + 10) * LK_SLOW )) "a second boot (watchdog reset)" booted_again
waited=$(( ($(date +%s%N) - stall_at) / 1000000 ))
lk_log "second boot ${waited} ms after the pulse ended"
kill -0 "$QEMU_PID" 2>/dev/null || lk_fail "QEMU exited: a halt, not a reset"
# The reset comes from the watchdog's second time-out (8 s after the last kick), not from
# anything faster (a fault halts QEMU instead).
[ "$waited" -ge $(( WATCHDOG_MS - PULSE_MS - MARGIN_MS - 1500 )) ] || lk_fail "reset after only $waited ms: not the watchdog"
# The module kept its connection (and transparent mode) across the board's reset, as a
# real one does: the image's first AT goes nowhere, it escapes with "+++" and reconnects.
subscribed_again() { [ "$(lk_mcu_log_count "mqtt: subscribed latchkey/home/door1/cmd")" -ge 2 ]; }
lk_wait_for $(( 60 * LK_SLOW )) "subscribed again after the reset" subscribed_again
lk_expect_eq "$(lk_mcu_relay_count on)" 1 "relay pulses (the reset must not switch it on)"
lk_expect_eq "$(lk_mcu_relay_count off)" 1 "relay off transitions"
lk_log "stall checks passed"
