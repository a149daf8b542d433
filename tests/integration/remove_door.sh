#!/usr/bin/env bash
# remove_door.sh - docs/operations.md "Remove a door", its two command blocks (CA machine,
# VPS) run word for word against a running synthetic site with two doors (front, garage;
# tests/lib/ops_blocks.sh runs the blocks): the broker ends the garage device's session and
# refuses its certificate from then on, the gateway's reload takes the door off the page and
# refuses a tap on it, and the front door still opens. No process is restarted.
# usage: remove_door.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is for the site helpers sourced below
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"
. "$ROOT/tests/lib/ops_blocks.sh"

lk_ops_certs_on_path
lk_site_make --door "front:Front door" --door "garage:Garage door" --pin 246810
lk_site_start_broker
lk_site_start_device front
lk_site_start_device garage
GARAGE_PID=$LK_LAST_PID GARAGE_LOG=$DEVICE_LOG
lk_site_start_gateway
lk_site_wait_online front
lk_site_wait_online garage
lk_expect_eq "$(lk_post -d "pin=$PIN" -d door=garage "$URL/action")" "200 opened" "the garage before"
lk_has "Garage door" <"$LK_TMP/body" || lk_fail "the page does not show the garage before"
garage_pulses=$(lk_relay_count garage on)

lk_ops_door_change remove 1
! lk_has "user home/garage" <"$SITE/broker/acl" || lk_fail "the new acl still has home/garage"
lk_has "user home/front" <"$SITE/broker/acl" || lk_fail "the new acl lost home/front"
lk_has "user test-watch" <"$SITE/broker/acl" || lk_fail "the new acl lost acl.local's lines"

lk_log "the broker ends the garage device's session and refuses its certificate"
broker_log="$LK_TMP/$(lk_site_run_name mosquitto "$LK_BROKER_RUNS").log"
lk_wait_for $(( 10 * LK_SLOW )) "the broker ended the garage's session" \
  grep -q "Client latchkey-home-garage disconnected" "$broker_log"
lk_has "latchkey_revoke: CRL number .* loaded; 1 live session revoked" <"$broker_log" ||
  lk_fail "the broker's plugin did not revoke the garage's session"
kill -0 "$GARAGE_PID" 2>/dev/null || lk_fail "the garage device exited (it should keep trying)"
rc=0
# shellcheck disable=SC2046 # lk_site_mqtt_id prints several options: split on purpose
mosquitto_pub -h localhost -p "$BROKER_PORT" $(lk_site_mqtt_id home.garage) \
  -t latchkey/home/garage/availability -m online -q 1 2>"$LK_TMP/pub.err" || rc=$?
[ "$rc" -ne 0 ] || lk_fail "the revoked garage certificate still publishes"
lk_wait_for $(( 30 * LK_SLOW )) "the garage device's reconnect refused as revoked" \
  grep -q "broker sent TLS alert: certificate_revoked" "$GARAGE_LOG"

lk_log "the door is gone from the page and a tap on it is refused"
lk_phone "$URL/" >/dev/null
lk_has "Front door" <"$LK_TMP/body" || lk_fail "the page lost the front door"
! lk_has "Garage door" <"$LK_TMP/body" || lk_fail "the page still shows the garage"
[ "$(lk_post -d "pin=$PIN" -d door=garage "$URL/action")" != "200 opened" ] ||
  lk_fail "a tap on the removed door opened it"
lk_expect_eq "$(lk_relay_count garage on)" "$garage_pulses" "the garage relay after removal"
lk_expect_eq "$(lk_post -d "pin=$PIN" -d door=front "$URL/action")" "200 opened" "the front door still"
lk_log "all remove-a-door checks passed"
