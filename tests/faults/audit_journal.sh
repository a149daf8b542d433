#!/usr/bin/env bash
# audit_journal.sh - fault: a machine crash right after a command went out, one that loses
# every audit commit SQLite had not yet made durable. The gateway is killed (SIGKILL) while
# a command waits for its ack (the device is stopped), and the database's WAL is removed, as
# a power cut would lose the lazy commits (docs/gateway.md, "Audit"): the rows are gone from
# the database. The intent journal (DATABASE-intent) had both before the command left, so
# the next start restores them, says so in the log, and marks both outcomes unknown (the
# result of the first one was lost as well), and the gateway works on.
# usage: audit_journal.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is for the site helpers sourced below
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"
. "$ROOT/tests/faults/crash_lib.sh"

lk_crash_site
[ -f "$DB-intent" ] || lk_fail "no intent journal beside the database"
lk_expect_eq "$(stat -c %a "$DB-intent")" 600 "mode of the intent journal"
lk_crash_kill
lk_log "... and the WAL is lost with everything SQLite had not checkpointed"
rm -f "$DB-wal" "$DB-shm"
lk_expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM audit")" 0 "audit rows left in the database after the crash"
kill -CONT "$DEV_PID"

lk_site_start_gateway
for c in "$FIRST" "$ID"; do
  grep -q "audit: recovery: attempt id=[0-9]* user=alice door=door1 result=pending cmd=$c restored from the intent journal" "$GATEWAY_LOG" \
    || lk_fail "no restore line for command $c: $(grep 'audit:' "$GATEWAY_LOG")"
  grep -q "audit: recovery: attempt id=[0-9]* at=[0-9T:.Z-]* user=alice door=door1 cmd=$c .*outcome unknown" "$GATEWAY_LOG" \
    || lk_fail "no recovery line for command $c: $(grep 'audit:' "$GATEWAY_LOG")"
done
grep -q "audit: recovery: 2 attempts restored from the intent journal" "$GATEWAY_LOG" \
  || lk_fail "no restore summary: $(grep 'audit:' "$GATEWAY_LOG")"
grep -q "audit: recovery: 2 attempts marked result=unknown reason=gateway-stopped" "$GATEWAY_LOG" \
  || lk_fail "no recovery summary: $(grep 'audit:' "$GATEWAY_LOG")"
lk_log "logged: $(grep -m1 'restored from the intent journal' "$GATEWAY_LOG" | cut -d' ' -f3-)"
rows=$(lk_site_gw audit --json | python3 -c '
import json, sys
rows = json.load(sys.stdin)
print(len(rows), *(r["cmd_id"][:4] + ":" + r["result"] + "/" + r["reason"] for r in rows))')
lk_expect_eq "$rows" "2 ${FIRST:0:4}:unknown/gateway-stopped ${ID:0:4}:unknown/gateway-stopped" "the audit after the restore"

lk_log "the gateway works on: the next tap opens and is on record after a clean restart"
lk_site_wait_online door1
opened() { [ "$(lk_post -d pin="$PIN" -d door=door1 "$URL/action")" = "200 opened" ]; }
lk_wait_for $(( 10 * LK_SLOW )) "a tap after the restart opens" opened # the relay may be busy with the late command
lk_stop "$GW_PID"
lk_site_start_gateway
if grep -q 'audit: recovery' "$GATEWAY_LOG"; then lk_fail "a clean restart recovered something"; fi
lk_expect_eq "$(sqlite3 "$DB" "SELECT result FROM audit ORDER BY id DESC LIMIT 1")" opened "the last row"
lk_expect_eq "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok "integrity_check"
lk_log "a crash that loses the WAL loses no record of a command sent"
