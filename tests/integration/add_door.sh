#!/usr/bin/env bash
# add_door.sh - docs/operations.md "Add a door", its two command blocks (CA machine, VPS) run
# word for word against a running synthetic site with one door (front): the new door's
# device, made from the bundle the doc writes, gets into the broker once Mosquitto has
# reloaded the new ACL, the gateway's reload puts the door on the phone's page, and a tap
# on it pulses its relay. No process is restarted. 'systemctl reload UNIT' in the doc is
# the SIGHUP that unit's reload sends, given here to the broker's and the gateway's PIDs.
# usage: add_door.sh SOURCE_DIR BUILD_DIR
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

mkdir -p "$LK_TMP/bin"
ln -s "$BUILD/certs-tool/latchkey-certs" "$LK_TMP/bin/"
export PATH="$LK_TMP/bin:$PATH"
lk_site_make --door "front:Front door" --pin 246810
lk_site_start_broker
lk_site_start_device front
lk_site_start_gateway
lk_site_wait_online front
lk_phone "$URL/" >/dev/null
! lk_has "Garage door" <"$LK_TMP/body" || lk_fail "the page shows the garage before it is added"

# The test tools' ACL blocks (tests/lib/site.sh) are the operator's own lines here: in
# acl.local, which broker-config copies into every acl it writes.
mkdir -p "$LK_TMP/broker"
sed -n '/^# Test tool/,$p' "$SITE/broker/acl" >"$LK_TMP/broker/acl.local"
lk_has "user test-watch" <"$LK_TMP/broker/acl.local" || lk_fail "no test identities in the site's acl"

systemctl() {
  case "$1 $2" in
    "reload mosquitto") kill -HUP "$BROKER_PID" ;;
    "reload latchkey-gateway") kill -HUP "$GW_PID" ;;
    *) echo "systemctl $*: not part of this test" >&2; return 1 ;;
  esac
}
# run_block MARKER: the doc's block, line by line in $LK_TMP, with the doc's variables.
run_block() {
  local block line
  block=$(lk_doc_block "$ROOT/docs/operations.md" "$1")
  [ -n "$block" ] || lk_fail "no $1 block in docs/operations.md"
  while IFS= read -r line; do
    lk_log "doc: $line"
    # shellcheck disable=SC2034 # the doc's variables, read by the eval'd line
    (cd "$LK_TMP" && ACL=$SITE/broker/acl GW="$BUILD/gateway/latchkey-gateway -c $CONF" \
      SITE=home DOOR=garage LABEL="Garage door" BROKER=localhost:$BROKER_PORT && eval "$line") \
      >>"$LK_TMP/doc.out" 2>&1 || lk_fail "the doc's line failed: $line: $(tail -n 3 "$LK_TMP/doc.out")"
  done <<<"$block"
}
export LATCHKEY_PKI_DIR=$PKI LATCHKEY_CA_PASSPHRASE
LATCHKEY_CA_PASSPHRASE=$(cat "$SITE/ca.passphrase")
run_block add-door-ca
reloads=$(grep -c "reload: .* applied" "$GATEWAY_LOG" || true)
run_block add-door-vps
lk_wait_for $(( 10 * LK_SLOW )) "the gateway reloaded its config" \
  test "$(grep -c "reload: .* applied (2 doors" "$GATEWAY_LOG" || true)" -gt "$reloads"
lk_has "user home/garage" <"$SITE/broker/acl" || lk_fail "the new acl has no block for home/garage"
lk_has "user test-watch" <"$SITE/broker/acl" || lk_fail "the new acl lost acl.local's lines"

lk_log "the new door's device, as the bundle made it, connects"
[ -s "$LK_TMP/door-garage/device.conf" ] || lk_fail "the bundle wrote no device.conf"
# Run by hand, the bundle's state and relay files go in the site (docs/certs.md "bundle").
sed -i -e "s|^state_file = .*|state_file = $SITE/accept-garage.state|" \
  -e "s|^sim_log = .*|sim_log = $SITE/relay-garage.log|" "$LK_TMP/door-garage/device.conf"
lk_start device-garage "$BUILD/firmware/port/posix/latchkey-device" -c "$LK_TMP/door-garage/device.conf"
lk_site_wait_online garage

lk_log "the page shows the new door and a tap opens it"
lk_phone "$URL/" >/dev/null
lk_has "Garage door" <"$LK_TMP/body" || lk_fail "the page does not show the new door"
lk_expect_eq "$(lk_post -d "pin=$PIN" -d door=garage "$URL/action")" "200 opened" "a tap on the new door"
lk_wait_for $(( 10 * LK_SLOW )) "the garage relay pulsed" test "$(lk_relay_count garage on)" -ge 1
lk_expect_eq "$(lk_relay_count front on)" 0 "the front door's relay"
lk_expect_eq "$(lk_post -d "pin=$PIN" -d door=front "$URL/action")" "200 opened" "the front door still"
lk_has "user=alice door=garage .*result=opened" <"$GATEWAY_LOG" || lk_fail "no audit line for the garage"
lk_log "all add-a-door checks passed"
