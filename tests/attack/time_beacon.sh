#!/usr/bin/env bash
# time_beacon.sh - the signed time beacon through the real broker's ACL (broker-config)
# and the real gateway: a device asks on its own .../time/req and reads the gateway's
# signed answer for its nonce on its own .../time; another door can neither ask in its
# name (the gateway never sees the request) nor read its answer; a phone's certificate
# cannot even connect; a malformed request and a second one within a second get no answer.
# usage: time_beacon.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is for the site helpers sourced below
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

lk_site_make --pin 123456 --door door1 --door door2
lk_site_start_broker
lk_site_start_gateway

# sub NAME ID TOPIC SECONDS: background subscriber (one message at most); waits for SUBACK.
sub() {
  # shellcheck disable=SC2046 # lk_site_mqtt_id prints several words: split on purpose
  lk_start "$1" stdbuf -oL -eL mosquitto_sub -d -h localhost -p "$BROKER_PORT" $(lk_site_mqtt_id "$2") \
    -t "$3" -q 1 -C 1 -W "$4"
  SPID=$LK_LAST_PID
  lk_wait_for $(( 5 * LK_SLOW )) "$1 subscribed" grep -q 'received SUBACK' "$LK_TMP/$1.log"
}
# got NAME PID: waits for the subscriber to end; prints the payloads it received.
got() {
  lk_wait_for $(( 15 * LK_SLOW )) "$1 ends" bash -c "! kill -0 $2 2>/dev/null"
  wait "$2" 2>/dev/null || true
  grep '^{' "$LK_TMP/$1.log" || true
}
# ask ID DOOR PAYLOAD: publishes a time request as identity ID on DOOR's .../time/req.
ask() {
  # shellcheck disable=SC2046 # as above
  mosquitto_pub -h localhost -p "$BROKER_PORT" $(lk_site_mqtt_id "$1") -t "latchkey/home/$2/time/req" -m "$3" -q 1
}
# beacon_for DOOR NONCE: DOOR's device asks with NONCE and prints the answer (one session:
# the broker admits one per identity): subscribes to .../time, then publishes the request.
beacon_for() {
  # shellcheck disable=SC2046 # as above
  mosquitto_rr -h localhost -p "$BROKER_PORT" $(lk_site_mqtt_id "home.$1") -q 1 -W $(( 10 * LK_SLOW )) \
    -t "latchkey/home/$1/time/req" -e "latchkey/home/$1/time" -m "{\"v\":1,\"nonce\":\"$2\"}" || true
}
sent_to() { grep -c "time: beacon sent to door $1 " "$GATEWAY_LOG" || true; }
nonce() { openssl rand -hex 16; }

lk_log "door1 asks on its own topic: the gateway's signed answer for its nonce; door2 reads nothing"
sub spy home.door2 latchkey/home/door1/time 5
SPY_PID=$SPID
n1=$(nonce)
answer=$(beacon_for door1 "$n1")
printf '%s' "$answer" | lk_has "^{\"v\":1,\"nonce\":\"$n1\",\"time\":[0-9]*,\"sig\":\"[A-Za-z0-9_-]\{86\}\"}\$" ||
  lk_fail "no signed beacon for door1's nonce: '$answer'"
t=$(printf '%s' "$answer" | sed 's/.*"time":\([0-9]*\).*/\1/')
[ $(( $(date +%s) - t )) -le 5 ] && [ $(( t - $(date +%s) )) -le 1 ] || lk_fail "beacon time $t is not the gateway's clock"
# The signature is the command key's over latchkey-time-v1\n<nonce>\n<time>.
sig=$(printf '%s' "$answer" | sed 's/.*"sig":"\([^"]*\)".*/\1/' | tr '_-' '/+')
printf '%s==' "$sig" | base64 -d >"$LK_TMP/beacon.sig" 2>/dev/null
printf 'latchkey-time-v1\n%s\n%s' "$n1" "$t" >"$LK_TMP/beacon.msg"
openssl pkey -in "$PKI/cmd/command.key" -pubout -out "$LK_TMP/cmd.pub" 2>/dev/null
openssl pkeyutl -verify -pubin -inkey "$LK_TMP/cmd.pub" -rawin -in "$LK_TMP/beacon.msg" \
  -sigfile "$LK_TMP/beacon.sig" >/dev/null || lk_fail "the beacon's signature is not the command key's"
lk_expect_eq "$(got spy "$SPY_PID")" "" "door1's beacon read by door2"
lk_expect_eq "$(sent_to door1)" 1 "beacons sent to door1"

lk_log "attack: door2 asks in door1's name: the broker drops it, nothing answers"
sleep 1 # door1's one answer per second: past it, only the ACL can keep the forged request out
forged=$(nonce) n2=$(nonce)
ask home.door2 door1 "{\"v\":1,\"nonce\":\"$forged\"}" || true
# Had the broker passed the forged request, it would have been answered first (and door1's
# dropped by the rate limit): door1 gets the answer for its own nonce.
beacon_for door1 "$n2" | lk_has "\"nonce\":\"$n2\"" || lk_fail "door1 got no beacon for its own nonce"
# Had the gateway seen it, it would have answered it or logged it as dropped.
lk_has "time: request of door door1 dropped" <"$GATEWAY_LOG" && lk_fail "the gateway saw door2's request in door1's name"
lk_expect_eq "$(sent_to door1)" 2 "beacons sent to door1"

lk_log "attack: a second request within a second and a malformed one get no answer"
# One connection, one line per message: the two valid requests are milliseconds apart.
# shellcheck disable=SC2046 # as above
printf '{"v":1,"nonce":"%s"}\n{"v":1,"nonce":"%s"}\n{"v":1,"nonce":"%s","x":1}\n' \
  "$(nonce)" "$(nonce)" "$(nonce)" |
  mosquitto_pub -h localhost -p "$BROKER_PORT" $(lk_site_mqtt_id home.door1) -t latchkey/home/door1/time/req -q 1 -l
lk_wait_for $(( 5 * LK_SLOW )) "the gateway logged the malformed request" \
  grep -q "time: malformed request of door door1 ignored" "$GATEWAY_LOG"
lk_wait_for $(( 5 * LK_SLOW )) "the gateway dropped the fast request" \
  grep -q "time: request of door door1 dropped: answered less than" "$GATEWAY_LOG"
[ "$(sent_to door1)" -le 3 ] || lk_fail "more than one of the fast requests was answered"

lk_log "attack: a phone's certificate cannot connect, so cannot ask or read"
rc=0
# shellcheck disable=SC2046 # as above
mosquitto_sub -h localhost -p "$BROKER_PORT" $(lk_site_mqtt_id alice) -t latchkey/home/door1/time -C 1 -W 3 \
  >"$LK_TMP/phone.log" 2>&1 || rc=$?
lk_has -i 'not authori' <"$LK_TMP/phone.log" || lk_fail "a phone certificate connected (rc $rc): $(cat "$LK_TMP/phone.log")"
lk_log "ok: time beacon ACL and answers"
