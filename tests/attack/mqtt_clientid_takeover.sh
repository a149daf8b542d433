#!/usr/bin/env bash
# mqtt_clientid_takeover.sh - attack case "MQTT client-id takeover" (issue 15, item 3). Before
# each of six opens, two certificates of the site's own CA try to take the client id of the
# gateway or of the door (today's ids and older forms): a phone's (alice, no block in the
# ACL) and another door's (home/door2, a real broker identity). The broker's plugin
# (broker/identity.h) refuses the phone at CONNECT whatever id it asks for, even its own,
# and admits door2 only as latchkey-home-door2: the gateway and the device are never kicked
# and every open succeeds.
# usage: mqtt_clientid_takeover.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is for the site helpers sourced below
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

lk_site_make --pin 246810 --ack-timeout-ms 3000 --door door1 --door door2
lk_has -x "plugin_opt_aclfile $SITE/broker/acl" <"$SITE/broker/mosquitto.conf" || lk_fail "broker config without the identity check"
lk_has '^use_identity_as_username' <"$SITE/broker/mosquitto.conf" && lk_fail "use_identity_as_username: Mosquitto would skip the plugin"
# A short pulse and no pause after it: back-to-back opens are not "busy".
sed -i -e 's/^pulse_ms = .*/pulse_ms = 50/' -e '$a min_interval_ms = 0' "$SITE/device-door1.conf"
lk_site_start_broker
lk_site_start_device door1
DEV_LOG=$DEVICE_LOG
lk_site_start_gateway
lk_site_wait_online door1

opens() {
  # shellcheck disable=SC2046 # lk_post prints "status result": split into $1 $2 on purpose
  set -- $(lk_post -d pin=$PIN -d door=door1 "$URL/action")
  [ "$1 $2" = "200 opened" ]
}
lk_wait_for 15 "a first open (everything connected)" opens

# as NAME ID: certificate NAME (file stem) connects asking for client id ID and subscribes to
# everything for at most 3 s; prints what mosquitto_sub said (a refusal ends it at once).
as() {
  mosquitto_sub -h localhost -p "$BROKER_PORT" --cafile "$PKI/ca/ca.crt" --cert "$PKI/issued/$1.crt" \
    --key "$PKI/private/$1.key" -i "$2" -t 'latchkey/#' -W 3 2>&1 || true
}
refused() { # NAME ID: that connection is refused at CONNECT
  local out
  out=$(as "$1" "$2")
  lk_has -i 'not authori' <<<"$out" || lk_fail "$1 asking for client id $2 was not refused at CONNECT: $out"
}

# The check is not a blanket refusal: door2 with its own id gets a session.
lk_has -i 'not authori' <<<"$(as home.door2 latchkey-home-door2)" && lk_fail "door2 refused with its own client id"
lk_has "as latchkey-home-door2 .*u'home/door2'" <"$LK_TMP/mosquitto.log" || lk_fail "door2 did not connect as itself"

ids=(latchkey-gateway latchkey-home-door1 latchkey-gateway-home gateway home/door1 latchkey-gateway)
n=0
for id in "${ids[@]}"; do
  n=$((n + 1))
  refused alice "$id"
  refused home.door2 "$id"
  # shellcheck disable=SC2046 # lk_post prints "status result": split into $1 $2 on purpose
  set -- $(lk_post -d pin=$PIN -d door=door1 "$URL/action")
  lk_expect_eq "$1 $2" "200 opened" "open $n after a phone and door2 asked for client id $id"
done
refused alice latchkey-alice # a phone cannot connect at all, not even under its own CN's id
lk_expect_eq "$(lk_relay_count door1 on)" $(( ${#ids[@]} + 1 )) "relay pulses"
lk_has 'connection lost' <"$GATEWAY_LOG" && lk_fail "the gateway's session was taken over: $(grep 'connection lost' "$GATEWAY_LOG")"
lk_has 'MQTT link lost' <"$DEV_LOG" && lk_fail "the device's session was taken over: $(grep 'MQTT link lost' "$DEV_LOG")"
lk_has "already connected, closing old connection" <"$LK_TMP/mosquitto.log" &&
  lk_fail "a session was replaced: $(grep 'already connected' "$LK_TMP/mosquitto.log")"
# The phone never had a session; each refusal is logged with its reason.
lk_has "New client connected .*u'alice'" <"$LK_TMP/mosquitto.log" && lk_fail "the broker gave a phone certificate a session"
[ "$(grep -c "refused .*(CN 'alice', .*no block in the ACL" "$LK_TMP/mosquitto.log")" -eq $(( ${#ids[@]} + 1 )) ] ||
  lk_fail "not every phone connection was refused for its CN"
[ "$(grep -c "refused .*(CN 'home/door2', .*not the one of its CN" "$LK_TMP/mosquitto.log")" -eq ${#ids[@]} ] ||
  lk_fail "not every door2 connection was refused for its client id"
lk_log "a phone certificate cannot connect to the broker; no certificate can take another identity's session"
