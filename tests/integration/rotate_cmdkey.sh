#!/usr/bin/env bash
# rotate_cmdkey.sh - docs/operations.md "Rotate the command key", its three command blocks
# (CA machine, device host, VPS) run word for word in the documented order on a running
# synthetic site (tests/lib/ops_blocks.sh runs them; the gateway's [command] key is a copy
# of the PKI's, as on a VPS): once the device has the new public key, a tap signed with the
# old key opens nothing (the documented window); once the gateway has the new key, taps
# open again, and the installed key is the new one.
# usage: rotate_cmdkey.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD and FRONT_PID are for the helpers sourced below
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"
. "$ROOT/tests/lib/ops_blocks.sh"

lk_ops_certs_on_path
lk_site_make --door "front:Front door" --pin 246810 --ack-timeout-ms 3000
# Back-to-back opens are not "busy" for the device.
sed -i -e 's/^pulse_ms = .*/pulse_ms = 50/' -e '$a min_interval_ms = 0' "$SITE/device-front.conf"
cp "$PKI/cmd/command.key" "$SITE/command.key"
lk_conf_set "$CONF" command key "$SITE/command.key"
old_pub=$(cat "$PKI/cmd/command.pub.hex")
lk_site_start_broker
lk_site_start_device front
FRONT_PID=$LK_LAST_PID # the device 'systemctl restart latchkey-device' restarts (ops_blocks.sh)
lk_site_start_gateway
lk_site_wait_online front
lk_expect_eq "$(lk_post -d "pin=$PIN" -d door=front "$URL/action")" "200 opened" "a tap before"
pulses=$(lk_relay_count front on)

lk_ops_block rotate-cmdkey-ca
new_pub=$(cat "$PKI/cmd/command.pub.hex")
[ "$new_pub" != "$old_pub" ] || lk_fail "cmdkey --force kept the old key"
cp "$PKI/cmd/command.pub.hex" "$PKI/cmd/command.key" "$LK_TMP/" # the copies to the hosts

lk_log "the device switches first: the gateway's old key opens nothing"
lk_ops_block rotate-cmdkey-device
lk_has "command_pubkey = $new_pub" <"$SITE/device-front.conf" || lk_fail "device.conf has not the new key"
lk_wait_for $(( 15 * LK_SLOW )) "the restarted device subscribed" \
  grep -q "subscribed to latchkey/home/front/cmd" "$LK_TMP/device-front-restarted.log"
lk_ops_wait_page_online front
[ "$(lk_post -d "pin=$PIN" -d door=front "$URL/action")" != "200 opened" ] ||
  lk_fail "a command signed with the old key opened the door"
lk_expect_eq "$(lk_relay_count front on)" "$pulses" "the relay in the window"
lk_has "door=front .*result=rejected reason=bad-signature" <"$GATEWAY_LOG" ||
  lk_fail "the window's tap is not logged as rejected for its signature"

lk_log "then the gateway: taps open again"
lk_ops_block rotate-cmdkey-vps
lk_ops_wait_page_online front
cmp -s "$SITE/command.key" "$PKI/cmd/command.key" || lk_fail "the gateway's key is not the new one"
[ ! -e "$LK_TMP/command.key" ] || lk_fail "the copied secret key was left behind"
lk_expect_eq "$(lk_post -d "pin=$PIN" -d door=front "$URL/action")" "200 opened" "a tap after"
lk_wait_for $(( 10 * LK_SLOW )) "the relay pulsed" test "$(lk_relay_count front on)" -gt "$pulses"
lk_log "all rotate-the-command-key checks passed"
