#!/usr/bin/env bash
# broker_oversize.sh - attack case "unbounded messages on the broker" (issue 15, item 5),
# against real Mosquitto with the generated config: with the device's own identity, a 1 MiB
# retained message on one of its own topics is refused (the broker disconnects the sender:
# max_packet_size) and nothing is retained; a retained discovery config outside the
# device's exact list (but under its old wildcard) is not stored, while one on the list is.
# Control: the real device, discovery on, gets its three configs and its state retained,
# each far under the limit (their sizes are logged). The gateway's own bound on what it
# parses is the unit test gateway_mqtt_inbound.
# usage: broker_oversize.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is for the site helpers sourced below
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

lk_site_make --pin 135791
lk_site_test_identity test-ha "topic read homeassistant/#"
printf '\n[homeassistant]\ndiscovery = true\nprefix = homeassistant\n' >>"$SITE/device-door1.conf"
lk_site_start_broker

# shellcheck disable=SC2046 # lk_site_mqtt_id prints several options: split on purpose
as_device() { mosquitto_pub -h localhost -p "$BROKER_PORT" $(lk_site_mqtt_id home.door1) -q 1 "$@"; }
# retained WHO TOPIC: the retained message of TOPIC read as test identity WHO (at most 2 s).
# shellcheck disable=SC2046 # lk_site_mqtt_id prints several options: split on purpose
retained() { mosquitto_sub -h localhost -p "$BROKER_PORT" $(lk_site_mqtt_id "$1") -t "$2" -C 1 -W 2 2>/dev/null || true; }

lk_log "a 1 MiB retained state from the device's identity"
head -c 1048576 /dev/zero | tr '\0' 'A' >"$LK_TMP/big"
if as_device -r -t latchkey/home/door1/state -f "$LK_TMP/big" 2>"$LK_TMP/big-pub.log"; then
  lk_fail "the broker took a 1 MiB message"
fi
lk_expect_eq "$(retained test-watch latchkey/home/door1/state | wc -c)" 0 "bytes retained on door1/state"

lk_log "retained discovery configs: one outside the device's list, one on it"
as_device -r -t homeassistant/sensor/latchkey_home_door1/extra/config -m '{"name":"planted"}'
as_device -r -t homeassistant/binary_sensor/latchkey_home_door1/relay/config -m '{"name":"listed"}'
lk_expect_eq "$(retained test-ha homeassistant/sensor/latchkey_home_door1/extra/config)" "" "a config outside the list"
lk_expect_eq "$(retained test-ha homeassistant/binary_sensor/latchkey_home_door1/relay/config)" '{"name":"listed"}' \
  "a config on the list"

lk_log "control: the real device's retained messages pass the limit"
lk_site_start_device door1
lk_site_wait_online door1
limit=$(sed -n 's/^max_packet_size //p' "$SITE/broker/mosquitto.conf")
for t in binary_sensor/latchkey_home_door1/online binary_sensor/latchkey_home_door1/relay; do
  topic=homeassistant/$t/config
  got_config() { [ "$(retained test-ha "$topic" | head -c 2)" = '{"' ] && ! retained test-ha "$topic" | lk_has listed; }
  lk_wait_for 10 "the device's $t config" got_config
  n=$(retained test-ha "$topic" | head -c -1 | wc -c)
  lk_log "$topic: $n bytes (limit $limit for the whole packet)"
  [ $(( n + ${#topic} + 16 )) -lt "$limit" ] || lk_fail "$topic: $n bytes is too close to the limit"
done
n=$(retained test-watch latchkey/home/door1/state | head -c -1 | wc -c)
[ "$n" -gt 0 ] && [ "$n" -lt 1024 ] || lk_fail "door1's state: $n bytes"
lk_log "oversized and unlisted retained messages refused; the contract's own fit"
