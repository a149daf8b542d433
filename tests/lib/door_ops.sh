# door_ops.sh - runs docs/operations.md's door blocks ("Add a door", "Remove a door") word
# for word on a site from site.sh (sourced after testlib.sh and site.sh, the site running),
# with the doc's variables set for the door garage of site home. 'systemctl reload UNIT' in
# the doc is the SIGHUP that unit's reload sends, given to BROKER_PID or GW_PID.
# shellcheck shell=bash

systemctl() {
  case "$1 $2" in
    "reload mosquitto") kill -HUP "$BROKER_PID" ;;
    "reload latchkey-gateway") kill -HUP "$GW_PID" ;;
    *) echo "systemctl $*: not part of these tests" >&2; return 1 ;;
  esac
}

# lk_door_ops_block MARKER: the doc's block MARKER, line by line in $LK_TMP (output in
# $LK_TMP/doc.out), as the CA and the VPS of the site; fails the test at the first line that
# fails.
lk_door_ops_block() {
  local block line
  block=$(lk_doc_block "$ROOT/docs/operations.md" "$1")
  [ -n "$block" ] || lk_fail "no $1 block in docs/operations.md"
  export LATCHKEY_PKI_DIR=$PKI LATCHKEY_CA_PASSPHRASE
  LATCHKEY_CA_PASSPHRASE=$(cat "$SITE/ca.passphrase")
  while IFS= read -r line; do
    lk_log "doc: $line"
    # shellcheck disable=SC2034 # the doc's variables, read by the eval'd line
    (cd "$LK_TMP" && ACL=$SITE/broker/acl GW="$BUILD/gateway/latchkey-gateway -c $CONF" \
      SITE=home DOOR=garage LABEL="Garage door" BROKER=localhost:$BROKER_PORT && eval "$line") \
      >>"$LK_TMP/doc.out" 2>&1 || lk_fail "the doc's line failed: $line: $(tail -n 3 "$LK_TMP/doc.out")"
  done <<<"$block"
}

# lk_door_ops_acl_local: the test tools' ACL blocks (site.sh) become the operator's own lines,
# in the acl.local of the doc's broker-config output (the doc's broker/ under $LK_TMP).
lk_door_ops_acl_local() {
  mkdir -p "$LK_TMP/broker"
  sed -n '/^# Test tool/,$p' "$SITE/broker/acl" >"$LK_TMP/broker/acl.local"
  lk_has "user test-watch" <"$LK_TMP/broker/acl.local" || lk_fail "no test identities in the site's acl"
}

# lk_door_ops_reloads: how many config reloads the gateway has applied so far.
lk_door_ops_reloads() { grep -c "reload: .* applied" "$GATEWAY_LOG" || true; }
lk_door_ops_reloaded_since() { [ "$(lk_door_ops_reloads)" -gt "$1" ]; }
