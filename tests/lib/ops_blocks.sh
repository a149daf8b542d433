# ops_blocks.sh - runs docs/operations.md's command blocks ("Add a door", "Remove a door",
# "Rotate the command key") word for word on a site from site.sh (sourced after testlib.sh
# and site.sh, the site running), with the doc's variables set for site home (door garage,
# device front). 'systemctl reload UNIT' in the doc is the SIGHUP that unit's reload sends,
# given to BROKER_PID or GW_PID; 'systemctl restart' stops the gateway (GW_PID) or the front
# door's device (FRONT_PID) by PID and starts it again.
# shellcheck shell=bash

# lk_ops_certs_on_path: this build's latchkey-certs first on PATH, as the doc's command name.
lk_ops_certs_on_path() {
  mkdir -p "$LK_TMP/bin"
  ln -s "$BUILD/certs-tool/latchkey-certs" "$LK_TMP/bin/"
  export PATH="$LK_TMP/bin:$PATH"
}

systemctl() {
  case "$1 $2" in
    "reload mosquitto") kill -HUP "$BROKER_PID" ;;
    "reload latchkey-gateway") kill -HUP "$GW_PID" ;;
    "restart latchkey-gateway") lk_stop "$GW_PID" && lk_site_start_gateway ;;
    "restart latchkey-device")
      lk_stop "$FRONT_PID"
      lk_start device-front-restarted "$BUILD/firmware/port/posix/latchkey-device" -c "$DEVICE_CONF"
      FRONT_PID=$LK_LAST_PID ;;
    *) echo "systemctl $*: not part of these tests" >&2; return 1 ;;
  esac
}

# lk_ops_block MARKER: the doc's block MARKER, line by line in $LK_TMP (output in
# $LK_TMP/doc.out), as the CA, the VPS and the device hosts of the site; fails the test at
# the first line that fails. The lines run in this shell (a restart's new process is this
# shell's child, stopped by PID at the end) with the doc's variables local to this function:
# the site's own SITE is the doc's site name meanwhile.
lk_ops_block() {
  local block line here
  block=$(lk_doc_block "$ROOT/docs/operations.md" "$1")
  [ -n "$block" ] || lk_fail "no $1 block in docs/operations.md"
  export LATCHKEY_PKI_DIR=$PKI LATCHKEY_CA_PASSPHRASE
  LATCHKEY_CA_PASSPHRASE=$(cat "$SITE/ca.passphrase")
  # shellcheck disable=SC2034 # the doc's variables, read by the eval'd lines
  local ACL=$SITE/broker/acl GW="$BUILD/gateway/latchkey-gateway -c $CONF" \
    COMMAND_KEY=$SITE/command.key DEVICE_CONF=$SITE/device-front.conf \
    SITE=home DOOR=garage LABEL="Garage door" BROKER=localhost:$BROKER_PORT
  here=$PWD
  cd "$LK_TMP" || lk_fail "no $LK_TMP"
  while IFS= read -r line; do
    lk_log "doc: $line"
    eval "$line" >>"$LK_TMP/doc.out" 2>&1 || lk_fail "the doc's line failed: $line: $(tail -n 3 "$LK_TMP/doc.out")"
  done <<<"$block"
  cd "$here" || lk_fail "no $here"
}

# lk_ops_acl_local: the test tools' ACL blocks (site.sh) become the operator's own lines,
# in the acl.local of the doc's host-bundle directory (vps/mosquitto/ under $LK_TMP).
lk_ops_acl_local() {
  mkdir -p "$LK_TMP/vps/mosquitto"
  sed -n '/^# Test tool/,$p' "$SITE/broker/acl" >"$LK_TMP/vps/mosquitto/acl.local"
  lk_has "user test-watch" <"$LK_TMP/vps/mosquitto/acl.local" || lk_fail "no test identities in the site's acl"
}

# lk_ops_reloads: how many config reloads the gateway has applied so far.
lk_ops_reloads() { grep -c "reload: .* applied" "$GATEWAY_LOG" || true; }
lk_ops_reloaded_since() { [ "$(lk_ops_reloads)" -gt "$1" ]; }

# lk_ops_door_change OP DOORS: "OP a door" (add, remove): the doc's OP-door-ca block, then its
# OP-door-vps block, and waits until the gateway has applied the reload, with DOORS doors.
lk_ops_door_change() {
  local reloads
  lk_ops_acl_local
  lk_ops_block "$1-door-ca"
  reloads=$(lk_ops_reloads)
  lk_ops_block "$1-door-vps"
  lk_wait_for $(( 10 * LK_SLOW )) "the gateway reloaded its config" lk_ops_reloaded_since "$reloads"
  lk_has "reload: .* applied ($2 doors" <"$GATEWAY_LOG" || lk_fail "the reload did not count $2 doors"
}

# lk_ops_wait_page_online DOOR: waits until the gateway itself (its page) has DOOR online,
# not only the broker's retained availability: a tap before that is answered "offline".
lk_ops_page_online() {
  lk_phone "$URL/" >/dev/null
  lk_has "data-door-status=\"$1\"[^>]*data-availability=\"online\"" <"$LK_TMP/body"
}
lk_ops_wait_page_online() {
  lk_wait_for $(( 15 * LK_SLOW )) "the gateway has $1 online" lk_ops_page_online "$1"
}
