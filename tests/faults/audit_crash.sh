#!/usr/bin/env bash
# audit_crash.sh - fault: the gateway is killed (SIGKILL) after a command went out and
# before its result was recorded (the device is stopped, so no ack comes). The pending row
# was on disk before the command left; at the restart the gateway marks that attempt
# "unknown" (reason gateway-stopped), logs it, and works on.
# usage: audit_crash.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is for the site helpers sourced below
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"
. "$ROOT/tests/faults/crash_lib.sh"

lk_crash_site
lk_expect_eq "$(sqlite3 "$DB" "SELECT result FROM audit WHERE cmd_id = '$ID'")" pending \
  "the row of command $ID, read by another process before the crash"
lk_crash_kill
kill -CONT "$DEV_PID"
lk_site_start_gateway
grep -q "audit: recovery: attempt id=[0-9]* at=[0-9T:.Z-]* user=alice door=door1 cmd=$ID .*outcome unknown" "$GATEWAY_LOG" \
  || lk_fail "no recovery line for command $ID: $(grep 'audit:' "$GATEWAY_LOG")"
grep -q "audit: recovery: 1 attempt marked result=unknown reason=gateway-stopped" "$GATEWAY_LOG" \
  || lk_fail "no recovery summary: $(grep 'audit:' "$GATEWAY_LOG")"
lk_log "logged: $(grep -m1 'audit: recovery: attempt' "$GATEWAY_LOG" | cut -d' ' -f3-)"
row=$(lk_site_gw audit --json | python3 -c '
import json, sys
rows = [r for r in json.load(sys.stdin) if r["cmd_id"] == sys.argv[1]]
print(len(rows), *(r["result"] + "/" + r["reason"] for r in rows))' "$ID")
lk_expect_eq "$row" "1 unknown/gateway-stopped" "the audit row of command $ID"
lk_expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE result = 'pending'")" 0 "rows still pending"

lk_log "the gateway works on: the next tap opens"
lk_site_wait_online door1
opened() { [ "$(lk_post -d pin="$PIN" -d door=door1 "$URL/action")" = "200 opened" ]; }
lk_wait_for $(( 10 * LK_SLOW )) "a tap after the restart opens" opened # the relay may be busy with the late command
lk_stop "$GW_PID"
lk_site_start_gateway
if grep -q 'audit: recovery' "$GATEWAY_LOG"; then lk_fail "a clean restart recovered something"; fi
lk_expect_eq "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok "integrity_check"
lk_log "a crash between command and result is on record as unknown"
