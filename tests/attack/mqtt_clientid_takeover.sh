#!/usr/bin/env bash
# mqtt_clientid_takeover.sh - attack case "MQTT client-id takeover" (issue 15, item 3): a
# phone's certificate (from the site's own CA, no topics in the ACL) connects to the broker
# again and again asking for the client ids of the gateway and of the door, old and new
# names, just before each open. The broker gives every session its certificate's CN as
# client id (use_username_as_clientid), so the attacker only ever holds a session named
# "alice": the gateway and the device are never kicked and every open succeeds.
# usage: mqtt_clientid_takeover.sh SOURCE_DIR BUILD_DIR
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

lk_site_make --pin 246810 --ack-timeout-ms 3000
grep -qx 'use_username_as_clientid true' "$SITE/broker/mosquitto.conf" || lk_fail "broker config does not bind client ids"
# A short pulse and no pause after it: back-to-back opens are not "busy".
sed -i -e 's/^pulse_ms = .*/pulse_ms = 50/' -e '$a min_interval_ms = 0' "$SITE/device-door1.conf"
lk_site_start_broker
lk_site_start_device door1
DEV_LOG=$DEVICE_LOG
lk_site_start_gateway
lk_site_wait_online door1

opens() { set -- $(lk_post -d pin=$PIN -d door=door1 "$URL/action"); [ "$1 $2" = "200 opened" ]; }
lk_wait_for 15 "a first open (everything connected)" opens

# attacker ID: alice's certificate asks for client id ID and holds the session (30 s bound).
attacker() {
  lk_start "attacker-$2" mosquitto_sub -h localhost -p "$BROKER_PORT" --cafile "$PKI/ca/ca.crt" \
    --cert "$PKI/issued/alice.crt" --key "$PKI/private/alice.key" -i "$1" -t 'latchkey/#' -W 30
}
ids=(latchkey-gateway-home latchkey-home-door1 gateway home/door1 latchkey-gateway-home latchkey-home-door1)
n=0
for id in "${ids[@]}"; do
  n=$((n + 1))
  attacker "$id" "$n"
  lk_wait_for 10 "attacker $n connected" bash -c "[ \$(grep -c \"u'alice'\" '$LK_TMP/mosquitto.log') -ge $n ]"
  set -- $(lk_post -d pin=$PIN -d door=door1 "$URL/action")
  lk_expect_eq "$1 $2" "200 opened" "open $n while a phone certificate asks for client id $id"
done
lk_expect_eq "$(lk_relay_count door1 on)" $(( ${#ids[@]} + 1 )) "relay pulses"
grep -q 'connection lost' "$GATEWAY_LOG" && lk_fail "the gateway's session was taken over: $(grep 'connection lost' "$GATEWAY_LOG")"
grep -q 'MQTT link lost' "$DEV_LOG" && lk_fail "the device's session was taken over: $(grep 'MQTT link lost' "$DEV_LOG")"
# The broker named every attacker session by the phone's CN, never by an id it asked for.
grep -E "New client connected .* as (latchkey-gateway-home|latchkey-home-door1|gateway|home/door1) .*u'alice'" \
  "$LK_TMP/mosquitto.log" && lk_fail "the broker gave a phone certificate another identity's client id"
lk_log "a phone certificate cannot take over the gateway's or the device's session"
