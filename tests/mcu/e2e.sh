#!/usr/bin/env bash
# e2e.sh - the bare-metal device image in QEMU (mps2-an386), end to end on loopback: the
# SHIPPED image (no clock of its own) comes online and refuses every command as
# not-yet-valid until the real gateway answers its signed time beacon (docs/protocol.md
# "Time beacon"); then a tap with curl on the real gateway -> real Mosquitto (mTLS) -> the
# ESP-AT module emulator -> the image's TLS 1.3 client -> signed command verified with
# Ed25519 -> the relay output read from the host through QEMU's monitor -> signed ack ->
# "opened". Forged, expired and replayed commands never move the relay; a module link drop
# ("CLOSED") is survived (a new beacon after the reconnect); a power cycle (QEMU restart)
# does not reopen the replay window of a command accepted just before it.
# usage: e2e.sh SOURCE_DIR BUILD_DIR IMAGE_DIR   (exit 77 without qemu-system-arm)
# shellcheck disable=SC2034 # BUILD is read by tests/lib/site.sh
ROOT=$1 BUILD=$2 IMAGE_DIR=$3
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"
. "$ROOT/tests/lib/commands.sh"
. "$ROOT/tests/mcu/mcu.sh"
lk_mcu_require
# firmware_mcu_image (the fixture) builds it; it skips without the cross compiler.
[ -f "$IMAGE_DIR/latchkey_mcu_qemu.elf" ] || { lk_log "SKIP: the image was not built"; exit 77; }
IMAGE=$IMAGE_DIR/latchkey_mcu_qemu.elf

PULSE_MS=400
lk_site_make --pin 246810 --ack-timeout-ms 8000
lk_mcu_blob door1 --pulse-ms $PULSE_MS --interval-ms 0 # no "busy" between the quick commands below
lk_site_start_broker
lk_cmd_collect_acks
lk_mcu_start_modem
lk_mcu_start_qemu "$IMAGE" "$LK_TMP/blob-door1.bin"
lk_wait_for $(( 60 * LK_SLOW )) "QEMU device online" lk_mcu_log_has "mqtt: online"
lk_mcu_log_has "tls: connected to localhost:$BROKER_PORT (TLSv1.3" || lk_fail "not a TLS 1.3 session"
lk_mcu_log_has "time: waiting for the gateway's signed time beacon" || lk_fail "the image does not say it waits for the beacon"
lk_expect_eq "$(lk_mcu_relay_count on)" 0 "relay pulses at boot"
KEY="$PKI/cmd/command.key"

lk_log "no gateway yet, so no beacon: a valid command is refused as not-yet-valid"
lk_wait_for $(( 10 * LK_SLOW )) "the first beacon request" lk_mcu_log_has "time: beacon requested"
# Subscribed (SUBACK): a command published before the broker holds the subscription is
# dropped (clean session) and never acked.
lk_wait_for $(( 30 * LK_SLOW )) "subscribed" lk_mcu_log_has "mqtt: subscribed latchkey/home/door1/cmd"
id=$(newid); now=$(date +%s)
cmd_json "$id" home door1 open "$now" $((now + 30)) "$(sign "$KEY" "$id" home door1 open attacker "$now" $((now + 30)))" | publish
expect_ack "$id" not-yet-valid 10
lk_expect_eq "$(lk_mcu_relay_count on)" 0 "relay pulses before the beacon"

lk_log "the gateway starts: the device's next request gets a signed beacon"
lk_site_start_gateway
lk_site_wait_online door1 30
lk_wait_for $(( 40 * LK_SLOW )) "beacon accepted" lk_mcu_log_has "time: beacon accepted"
lk_mcu_log_has "commands may act from now on" || lk_fail "the first beacon did not trust the clock"
lk_has "time: beacon sent to door door1 " <"$GATEWAY_LOG" || lk_fail "the gateway did not log its beacon"

# check_last_pulse: the last complete pulse lasted PULSE_MS, at most the hardware margin +
# the watcher's polling slack.
relay_offs_reach() { [ "$(lk_mcu_relay_count off)" -ge "$1" ]; }
check_last_pulse() {
  local ms
  ms=$(lk_mcu_pulses_ms | tail -n1)
  [ -n "$ms" ] || lk_fail "no complete pulse seen"
  [ "$ms" -ge $(( PULSE_MS - 20 )) ] && [ "$ms" -le $(( PULSE_MS + 100 + 50 * LK_SLOW )) ] ||
    lk_fail "pulse of ${ms} ms, expected about $PULSE_MS ms"
  lk_log "pulse seen from the host: ${ms} ms"
}

lk_log "tap on the gateway: opened, the relay output pulsed once (seen from the host)"
out=$(lk_post -d pin=$PIN -d door=door1 "$URL/action")
lk_expect_eq "$out" "200 opened" "tap"
lk_wait_for $(( 5 * LK_SLOW )) "relay back off" relay_offs_reach 1
lk_expect_eq "$(lk_mcu_relay_count on)" 1 "relay pulses after the tap"
check_last_pulse

openssl genpkey -algorithm ed25519 -out "$LK_TMP/forger.key" 2>/dev/null
now=$(date +%s)
lk_log "forged signature (another key): rejected, relay still"
id=$(newid); cmd_json "$id" home door1 open "$now" $((now + 30)) "$(sign "$LK_TMP/forger.key" "$id" home door1 open attacker "$now" $((now + 30)))" | publish
expect_ack "$id" bad-signature 10
lk_log "expired: rejected, relay still"
id=$(newid); iat=$((now - 120)); exp=$((now - 90))
cmd_json "$id" home door1 open $iat $exp "$(sign "$KEY" "$id" home door1 open attacker $iat $exp)" | publish
expect_ack "$id" expired 10

lk_log "a good command opens once; its replay is refused"
id=$(newid); now=$(date +%s)
good=$(cmd_json "$id" home door1 open "$now" $((now + 30)) "$(sign "$KEY" "$id" home door1 open attacker "$now" $((now + 30)))")
printf '%s' "$good" | publish
ok_acked() { grep -F "\"id\":\"$id\"" "$LK_TMP/acks.log" | lk_has -F '"result":"ok"'; }
lk_wait_for $(( 10 * LK_SLOW )) "ok ack of the good command" ok_acked
lk_wait_for $(( 5 * LK_SLOW )) "relay back off" relay_offs_reach 2
check_last_pulse
printf '%s' "$good" | publish
replayed() { [ "$(grep -cF "\"id\":\"$id\"" "$LK_TMP/acks.log")" -ge 2 ]; }
lk_wait_for $(( 10 * LK_SLOW )) "ack of the replay" replayed
grep -F "\"id\":\"$id\"" "$LK_TMP/acks.log" | tail -n1 | lk_has -F '"reason":"replay"' || lk_fail "replay not refused as replay"
sleep 1 # a pulse from the replay would show within this time
lk_expect_eq "$(lk_mcu_relay_count on)" 2 "relay pulses after forged, expired and replayed commands"

lk_log "module link drop: CLOSED reaches the firmware, it reconnects and opens again"
kill -USR1 "$MODEM_PID"
lk_wait_for $(( 10 * LK_SLOW )) "the firmware saw CLOSED" lk_mcu_log_has "the module reported the connection closed"
reconnected() { [ "$(lk_mcu_log_count "mqtt: online")" -ge 2 ]; }
lk_wait_for $(( 60 * LK_SLOW )) "device online again" reconnected
lk_site_wait_online door1 30
beacons_reach() { [ "$(lk_mcu_log_count "time: beacon accepted")" -ge "$1" ]; }
lk_wait_for $(( 20 * LK_SLOW )) "a new beacon after the reconnect" beacons_reach 2
out=$(lk_post -d pin=$PIN -d door=door1 "$URL/action")
lk_expect_eq "$out" "200 opened" "tap after the link drop"
lk_wait_for $(( 5 * LK_SLOW )) "relay back off" relay_offs_reach 3
lk_expect_eq "$(lk_mcu_relay_count on)" 3 "relay pulses at the end"
check_last_pulse
! grep -q 'rx dropped [1-9]' "$CONSOLE" || lk_fail "the link UART dropped received bytes"

lk_log "broker restart: the device (through the module) and the gateway reconnect, a tap opens"
gw_sessions() { grep -c 'mqtt: connected and subscribed' "$GATEWAY_LOG" || true; }
gw_before=$(gw_sessions)
lk_stop "$BROKER_PID"
lk_site_start_broker
subscribed_reach() { [ "$(lk_mcu_log_count "mqtt: subscribed latchkey/home/door1/cmd")" -ge "$1" ]; }
lk_wait_for $(( 90 * LK_SLOW )) "the device subscribed again after the broker restart" subscribed_reach 3
gw_back() { [ "$(gw_sessions)" -gt "$gw_before" ]; }
lk_wait_for $(( 30 * LK_SLOW )) "the gateway subscribed again after the broker restart" gw_back
lk_site_wait_online door1 30
lk_wait_for $(( 20 * LK_SLOW )) "a new beacon after the broker restart" beacons_reach 3
out=$(lk_post -d pin=$PIN -d door=door1 "$URL/action")
lk_expect_eq "$out" "200 opened" "tap after the broker restart"
lk_wait_for $(( 5 * LK_SLOW )) "relay back off" relay_offs_reach 4
lk_expect_eq "$(lk_mcu_relay_count on)" 4 "relay pulses after the broker restart"
check_last_pulse

lk_log "a command accepted just before a power cut"
# iat ahead (within the 30 s skew) so that the command is still valid after the restart.
id=$(newid); iat=$(( $(date +%s) + 20 )); exp=$(( iat + 60 ))
good=$(cmd_json "$id" home door1 open $iat $exp "$(sign "$KEY" "$id" home door1 open attacker $iat $exp)")
printf '%s' "$good" | publish
lk_wait_for $(( 10 * LK_SLOW )) "ok ack of the last command" ok_acked
lk_wait_for $(( 5 * LK_SLOW )) "relay back off" relay_offs_reach 5
accepted_at=$(date +%s)

lk_log "power cycle: a new beacon, and the replay of that command is refused (before-start)"
lk_mcu_stop_qemu
lk_mcu_start_qemu "$IMAGE" "$LK_TMP/blob-door1.bin"
# Subscribed (SUBACK), not just "online" (CONNACK): a command published before the broker
# holds the subscription is dropped (clean session) and never acked.
lk_wait_for $(( 60 * LK_SLOW )) "subscribed after the power cycle" lk_mcu_log_has "mqtt: subscribed latchkey/home/door1/cmd"
lk_wait_for $(( 40 * LK_SLOW )) "beacon accepted after the power cycle" lk_mcu_log_has "time: beacon accepted"
[ "$(date +%s)" -lt "$exp" ] || lk_fail "the restart took longer than the command's lifetime: nothing was tested"
printf '%s' "$good" | publish
replayed_after() { [ "$(grep -cF "\"id\":\"$id\"" "$LK_TMP/acks.log")" -ge 2 ]; }
lk_wait_for $(( 10 * LK_SLOW )) "ack of the replay after the power cycle" replayed_after
grep -F "\"id\":\"$id\"" "$LK_TMP/acks.log" | tail -n1 | lk_has -F '"reason":"before-start"' ||
  lk_fail "the replay after the power cycle was not refused as before-start"
lk_log "a fresh tap acts once the start rule's 30 s after the last acceptance passed"
start_rule_passed() { [ "$(date +%s)" -gt $(( accepted_at + 31 )) ]; }
lk_wait_for $(( 40 * LK_SLOW )) "the start rule's window" start_rule_passed
out=$(lk_post -d pin=$PIN -d door=door1 "$URL/action")
lk_expect_eq "$out" "200 opened" "tap after the power cycle"
lk_wait_for $(( 5 * LK_SLOW )) "relay back off" relay_offs_reach 1
lk_expect_eq "$(lk_mcu_relay_count on)" 1 "relay pulses after the power cycle (the replay moved nothing)"
check_last_pulse
lk_log "all QEMU device checks passed"
