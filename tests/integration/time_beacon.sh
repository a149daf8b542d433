#!/usr/bin/env bash
# time_beacon.sh - the Linux device with [device] time_beacon = true (docs/firmware.md):
# it refuses a command as not-yet-valid until the real gateway answers its signed time
# beacon through the real broker, then a tap opens; the device logs each verdict.
# usage: time_beacon.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is for the site helpers sourced below
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"
. "$ROOT/tests/lib/commands.sh"

lk_site_make --pin 123456 --ack-timeout-ms 5000
lk_conf_set "$SITE/device-door1.conf" device time_beacon true
lk_site_start_broker
lk_cmd_collect_acks
lk_site_start_device door1
lk_wait_for $(( 15 * LK_SLOW )) "device online" grep -qx online "$LK_TMP/acks.log"
lk_wait_for $(( 5 * LK_SLOW )) "the device's request" grep -q "time beacon requested" "$DEVICE_LOG"

lk_log "no gateway: a valid command is refused as not-yet-valid, the relay never moves"
KEY="$PKI/cmd/command.key"
id=$(newid); now=$(date +%s)
cmd_json "$id" home door1 open "$now" $((now + 30)) "$(sign "$KEY" "$id" home door1 open attacker "$now" $((now + 30)))" | publish
expect_ack "$id" not-yet-valid 10
lk_expect_eq "$(lk_relay_count door1 on)" 0 "relay pulses before the beacon"

lk_log "the gateway answers the device's next request; then a tap opens"
lk_site_start_gateway
lk_wait_for $(( 30 * LK_SLOW )) "beacon accepted" grep -q "time beacon accepted: .*(commands may act from now on)" "$DEVICE_LOG"
out=$(lk_post -d pin="$PIN" -d door=door1 "$URL/action")
lk_expect_eq "$out" "200 opened" "tap after the beacon"
lk_expect_eq "$(lk_relay_count door1 on)" 1 "relay pulses after the tap"
grep -q "time beacon refused" "$DEVICE_LOG" && lk_fail "the device refused a beacon of the gateway"
lk_log "ok: the Linux device with time_beacon"
