#!/usr/bin/env bash
# device_trust.sh - attacks on what a device's answer and a device's restart are worth,
# against real Mosquitto, the real gateway and the real device (docs/protocol.md "The
# signed ack", "After a restart"). One case per run:
#   forged_ack            the real device is offline; a holder of its MQTT identity answers
#                         the gateway's command with {"result":"ok"} (unsigned, then signed
#                         with another key): the phone is never told "opened" and the audit
#                         says unconfirmed with the flaw.
#   replay_after_restart  a command the device acted on is replayed after the device
#                         restarted, inside the command's lifetime: the relay does not move.
#   retained_cmd          a valid command planted on the broker as a retained message does
#                         not fire when the device starts (and subscribes).
# usage: device_trust.sh SOURCE_DIR BUILD_DIR CASE
# shellcheck disable=SC2034 # BUILD is for the site helpers sourced below
ROOT=$1 BUILD=$2 CASE=$3
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"
. "$ROOT/tests/lib/commands.sh"
. "$ROOT/tests/lib/acks.sh"

key() { echo "$PKI/cmd/command.key"; } # the site (and PKI) is made per case below
relay_ons() { lk_relay_count door1 on; }
online() { grep -qx online "$LK_TMP/acks.log"; }
# signed_cmd ID IAT: a valid command for home/door1 (the attacker replays bytes it captured).
signed_cmd() { cmd_json "$1" home door1 open "$2" $(($2 + 30)) "$(sign "$(key)" "$1" home door1 open attacker "$2" $(($2 + 30)))"; }
# DEV_MQTT: mosquitto client options with door1's MQTT identity (its certificate).
DEV_MQTT() { echo -h localhost -p "$BROKER_PORT" --cafile "$PKI/ca/ca.crt" --cert "$PKI/issued/home.door1.crt" \
  --key "$PKI/private/home.door1.key" -q 1; }

# forger ID_FILE MODE: takes the device's place for one command: reads it, answers "ok".
# Its subscriber's debug output ($LK_TMP/forger.sub) shows the SUBACK first.
forger() {
  local line id at sig=""
  # shellcheck disable=SC2046 # DEV_MQTT prints several options: split on purpose
  stdbuf -oL mosquitto_sub -d $(DEV_MQTT) -i latchkey-home-door1 -t latchkey/home/door1/cmd -C 1 -W 30 >"$LK_TMP/forger.sub"
  line=$(grep '^{' "$LK_TMP/forger.sub")
  id=$(printf '%s' "$line" | sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p')
  [ -n "$id" ] || { echo "no command read: $line" >&2; return 1; }
  echo "$id" >"$1"
  at=$(date +%s)
  [ "$2" = unsigned ] || sig=$(lk_ack_sig "$LK_TMP/forger.key" "$id" home door1 ok "" "$at")
  # shellcheck disable=SC2046 # DEV_MQTT prints several options: split on purpose
  mosquitto_pub $(DEV_MQTT) -i latchkey-home-door1 -t latchkey/home/door1/ack -m "$(lk_ack_json "$id" ok "" "$at" "$sig")"
}

case "$CASE" in
forged_ack)
  lk_site_make --pin 123456 --ack-timeout-ms 3000
  lk_site_start_broker
  lk_site_start_gateway
  openssl genpkey -algorithm ed25519 -out "$LK_TMP/forger.key" 2>/dev/null
  for mode in unsigned other-key; do
    lk_log "attack: the device is offline; its MQTT identity answers ok ($mode)"
    rm -f "$LK_TMP/forged.id" "$LK_TMP/forger.sub"
    lk_start "forger-$mode" forger "$LK_TMP/forged.id" "$mode"
    lk_wait_for 10 "the forger subscribed" grep -q "received SUBACK" "$LK_TMP/forger.sub"
    out=$(lk_post -d pin=$PIN -d door=door1 "$URL/action")
    [ -s "$LK_TMP/forged.id" ] || lk_fail "the forger never saw the command"
    lk_expect_eq "$out" "502 unconfirmed" "the phone's answer to a forged ack ($mode)"
    grep -q 'may or may not have opened' "$LK_TMP/body" || lk_fail "the page does not say the truth"
    id=$(cat "$LK_TMP/forged.id")
    flaw=ack-bad-signature; [ "$mode" = unsigned ] && flaw=ack-unsigned
    lk_site_gw audit --user alice >"$LK_TMP/audit.txt" || lk_fail "audit"
    grep "id=$id" "$LK_TMP/audit.txt" | grep -q "result=unconfirmed reason=$flaw" ||
      lk_fail "audit of $id is not unconfirmed/$flaw: $(cat "$LK_TMP/audit.txt")"
    ! grep "id=$id" "$LK_TMP/audit.txt" | grep -q "result=opened" || lk_fail "audited as opened"
    grep -q "ack for id $id from door door1 NOT trusted" "$GATEWAY_LOG" || lk_fail "no log of the untrusted ack"
  done
  lk_log "forged acks never made the gateway say opened"
  ;;
replay_after_restart)
  lk_site_make --pin 123456
  lk_site_start_broker
  lk_cmd_collect_acks
  lk_site_start_device door1
  DEV_PID=$LK_LAST_PID
  lk_wait_for 15 "device online" online
  id=$(newid); now=$(date +%s)
  captured=$(signed_cmd "$id" "$now")
  printf '%s' "$captured" | publish
  ok_acked() { grep -F "\"id\":\"$id\"" "$LK_TMP/acks.log" | grep -qF '"result":"ok"'; }
  lk_wait_for 5 "ok ack of the command" ok_acked
  lk_expect_eq "$(relay_ons)" 1 "relay pulses after the command"
  lk_log "attack: restart the device, replay the captured command inside its lifetime"
  lk_stop "$DEV_PID"
  offline_seen() { [ "$(grep -cx offline "$LK_TMP/acks.log")" -ge 1 ]; }
  lk_wait_for 10 "device offline" offline_seen
  lk_site_start_device door1
  online_again() { [ "$(grep -cx online "$LK_TMP/acks.log")" -ge 2 ]; }
  lk_wait_for 15 "device online again" online_again
  [ $(( $(date +%s) - now )) -lt 30 ] || lk_fail "too slow: the command expired before the replay"
  printf '%s' "$captured" | publish
  expect_ack "$id" replay # its id was persisted (state_file) and given back at the start
  sleep 1 # a pulse from the replay would show within this time
  lk_expect_eq "$(relay_ons)" 1 "relay pulses after the replay"
  lk_log "control: a fresh command right after the restart opens"
  id=$(newid); signed_cmd "$id" "$(date +%s)" | publish
  lk_wait_for 5 "ok ack of the fresh command" ok_acked
  lk_expect_eq "$(relay_ons)" 2 "relay pulses after a fresh command"

  lk_log "attack: the same without a state_file (the start rule alone): before-start"
  lk_stop "$LK_LAST_PID"
  offline_twice() { [ "$(grep -cx offline "$LK_TMP/acks.log")" -ge 2 ]; }
  lk_wait_for 10 "device offline" offline_twice
  sed -i '/^state_file = /d' "$SITE/device-door1.conf"
  lk_site_start_device door1
  online_thrice() { [ "$(grep -cx online "$LK_TMP/acks.log")" -ge 3 ]; }
  lk_wait_for 15 "device online again" online_thrice
  printf '%s' "$captured" | publish
  acks_of_id() { grep -cF "\"id\":\"$1\"" "$LK_TMP/acks.log"; }
  first=$(printf '%s' "$captured" | sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p')
  third_ack() { [ "$(acks_of_id "$first")" -ge 3 ]; }
  lk_wait_for 5 "ack of the second replay" third_ack
  grep -F "\"id\":\"$first\"" "$LK_TMP/acks.log" | tail -n1 | grep -qF '"reason":"before-start"' ||
    lk_fail "replay without a state_file not refused as before-start"
  sleep 1
  lk_expect_eq "$(relay_ons)" 2 "relay pulses after the replay without a state_file"
  ;;
retained_cmd)
  lk_site_make --pin 123456
  lk_site_start_broker
  lk_cmd_collect_acks
  lk_log "attack: a valid command planted as a retained message, then the device starts"
  id=$(newid)
  lk_cmd_mqtt
  signed_cmd "$id" "$(date +%s)" | mosquitto_pub "${LK_CMD_MQTT[@]}" \
    -t latchkey/home/door1/cmd -r -s || lk_fail "could not plant the retained command"
  lk_site_start_device door1
  lk_wait_for 15 "device online" online
  expect_ack "$id" retained
  sleep 1 # a pulse would show within this time
  lk_expect_eq "$(relay_ons)" 0 "relay pulses after the retained command"
  grep -q "command rejected: retained" "$DEVICE_LOG" || lk_fail "no log of the refused retained command"
  ;;
*)
  lk_fail "unknown case $CASE"
  ;;
esac
