# commands.sh - signed door commands made by hand for device tests (sourced after
# testlib.sh and site.sh, once the site exists): sign with any Ed25519 key, build the JSON
# payload, publish it to door1's command topic as test-cmd (a test identity the ACL lets
# write commands, tests/lib/site.sh), and wait for the device's ack of an id. Acks and availability
# are collected by lk_cmd_collect_acks in $LK_TMP/acks.log.
# shellcheck shell=bash

# lk_cmd_mqtt [NAME]: LK_CMD_MQTT = broker options for test identity NAME (default test-cmd).
lk_cmd_mqtt() {
  # shellcheck disable=SC2207 # lk_site_mqtt_id prints several options: one array item each
  LK_CMD_MQTT=(-h localhost -p "$BROKER_PORT" $(lk_site_mqtt_id "${1:-test-cmd}") -q 1)
}

# lk_cmd_collect_acks: subscribes to door1's ack and availability as test-listen (log acks.log).
lk_cmd_collect_acks() {
  lk_cmd_mqtt test-listen
  lk_start acks mosquitto_sub "${LK_CMD_MQTT[@]}" -t latchkey/home/door1/ack \
    -t latchkey/home/door1/availability
}

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
# sign KEY ID SITE DOOR ACTION BY IAT EXP: prints the signature of the canonical message.
sign() {
  printf 'latchkey-cmd-v1\n%s\n%s\n%s\n%s\n%s\n%s\n%s' "$2" "$3" "$4" "$5" "$6" "$7" "$8" > "$LK_TMP/msg"
  openssl pkeyutl -sign -rawin -inkey "$1" -in "$LK_TMP/msg" | b64url
}
# cmd_json ID SITE DOOR ACTION IAT EXP SIG: prints the JSON payload.
cmd_json() {
  printf '{"v":1,"id":"%s","site":"%s","door":"%s","action":"%s","by":"attacker","iat":%s,"exp":%s,"sig":"%s"}' \
    "$1" "$2" "$3" "$4" "$5" "$6" "$7"
}
newid() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }
publish() { lk_cmd_mqtt; mosquitto_pub "${LK_CMD_MQTT[@]}" -t latchkey/home/door1/cmd -s; }

# expect_ack ID REASON: the device answered this id with "rejected" and this reason.
ACK_ID="" ACK_REASON=""
acked() { grep -F "\"id\":\"$ACK_ID\"" "$LK_TMP/acks.log" | lk_has -F "\"reason\":\"$ACK_REASON\""; }
expect_ack() {
  ACK_ID=$1 ACK_REASON=$2
  lk_wait_for $(( ${3:-5} * LK_SLOW )) "ack of $1 with reason $2" acked
  grep -F "\"id\":\"$1\"" "$LK_TMP/acks.log" | lk_has -F '"result":"rejected"' || lk_fail "ack of $1 is not rejected"
}
