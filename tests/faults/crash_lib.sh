# crash_lib.sh - the audit crash tests' common start (sourced after testlib.sh and site.sh):
# a site whose gateway opened door1 once, then sent a second command that waits for its ack
# (the device is stopped), and the SIGKILL that follows.
# shellcheck shell=bash

# lk_crash_site: sets DEV_PID, FIRST and ID (the two command ids) and TAP (the waiting phone).
lk_crash_site() {
  command -v sqlite3 >/dev/null || lk_fail "missing tool: sqlite3"
  lk_site_make --door door1 --ack-timeout-ms 30000
  lk_site_start_broker
  lk_site_start_device door1
  DEV_PID=$LK_LAST_PID
  lk_site_start_gateway
  lk_site_wait_online door1
  lk_expect_eq "$(lk_post -d pin="$PIN" -d door=door1 "$URL/action")" "200 opened" "action before the crash"
  lk_log "the device stops answering; a tap sends its command and waits for the ack"
  kill -STOP "$DEV_PID"
  ( LK_TMP="$LK_TMP/tap"; mkdir -p "$LK_TMP"; lk_post -d pin="$PIN" -d door=door1 "$URL/action" \
      >"$LK_TMP/answer" ) &
  TAP=$!
  LK_PIDS+=("$TAP")
  lk_wait_for $(( 10 * LK_SLOW )) "the second command sent" lk_crash_sent
  FIRST=$(grep 'action requested user=alice door=door1' "$GATEWAY_LOG" | head -n1 | sed 's/.* id=\([0-9a-f]*\) .*/\1/')
  ID=$(grep 'action requested user=alice door=door1' "$GATEWAY_LOG" | tail -n1 | sed 's/.* id=\([0-9a-f]*\) .*/\1/')
  [ ${#ID} -eq 32 ] && [ ${#FIRST} -eq 32 ] || lk_fail "no command ids in: $(grep 'action requested' "$GATEWAY_LOG")"
}
lk_crash_sent() { [ "$(grep -c 'action requested user=alice door=door1' "$GATEWAY_LOG")" -ge 2 ]; }

# lk_crash_kill: SIGKILL to the gateway; reaps it and the waiting phone.
lk_crash_kill() {
  lk_log "SIGKILL to the gateway while command $ID waits for its ack"
  kill -KILL "$GW_PID"
  { wait "$GW_PID"; } 2>/dev/null || true
  { wait "$TAP"; } 2>/dev/null || true
}
