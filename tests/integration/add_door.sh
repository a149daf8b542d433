#!/usr/bin/env bash
# add_door.sh - docs/operations.md "Add a door", its two command blocks (CA machine, VPS) run
# word for word against a running synthetic site with one door (front): the new door's
# device, made from the bundle the doc writes, gets into the broker once Mosquitto has
# reloaded the new ACL, the gateway's reload puts the door on the phone's page, and a tap
# on it pulses its relay. No process is restarted (tests/lib/ops_blocks.sh runs the blocks).
# usage: add_door.sh SOURCE_DIR BUILD_DIR
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"
. "$ROOT/tests/lib/ops_blocks.sh"

lk_ops_certs_on_path
lk_site_make --door "front:Front door" --pin 246810
lk_site_start_broker
lk_site_start_device front
lk_site_start_gateway
lk_site_wait_online front
lk_phone "$URL/" >/dev/null
! lk_has "Garage door" <"$LK_TMP/body" || lk_fail "the page shows the garage before it is added"

lk_ops_door_change add 2
lk_has "user home/garage" <"$SITE/broker/acl" || lk_fail "the new acl has no block for home/garage"
lk_has "user test-watch" <"$SITE/broker/acl" || lk_fail "the new acl lost acl.local's lines"

lk_log "the new door's device, as the bundle made it, connects"
[ -s "$LK_TMP/door-garage/device.conf" ] || lk_fail "the bundle wrote no device.conf"
# Run by hand, the bundle's state and relay files go in the site (docs/certs.md "bundle").
sed -i -e "s|^state_file = .*|state_file = $SITE/accept-garage.state|" \
  -e "s|^sim_log = .*|sim_log = $SITE/relay-garage.log|" "$LK_TMP/door-garage/device.conf"
lk_start device-garage "$BUILD/firmware/port/posix/latchkey-device" -c "$LK_TMP/door-garage/device.conf"
lk_site_wait_online garage
lk_ops_wait_page_online garage

lk_log "the page shows the new door and a tap opens it"
lk_phone "$URL/" >/dev/null
lk_has "Garage door" <"$LK_TMP/body" || lk_fail "the page does not show the new door"
lk_expect_eq "$(lk_post -d "pin=$PIN" -d door=garage "$URL/action")" "200 opened" "a tap on the new door"
lk_wait_for $(( 10 * LK_SLOW )) "the garage relay pulsed" test "$(lk_relay_count garage on)" -ge 1
lk_expect_eq "$(lk_relay_count front on)" 0 "the front door's relay"
lk_expect_eq "$(lk_post -d "pin=$PIN" -d door=front "$URL/action")" "200 opened" "the front door still"
lk_has "user=alice door=garage .*result=opened" <"$GATEWAY_LOG" || lk_fail "no audit line for the garage"
lk_log "all add-a-door checks passed"
