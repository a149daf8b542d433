#!/usr/bin/env bash
# demo.sh - the README's demo command (scripts/demo.sh) on free loopback ports, with the
# programs of this build tree (LATCHKEY_DEMO_BIN: no second build): it checks its runtime
# packages, says what it does, comes up, and the curl lines it prints open a door (relay log);
# SIGTERM stops everything it started (no listener left on its ports).
# usage: demo.sh SOURCE_DIR BUILD_DIR
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"

lk_free_port GW_PORT
lk_free_port BROKER_PORT
DEMO="$LK_TMP/demo"
lk_start demo env LATCHKEY_DEMO_BIN="$BUILD" LATCHKEY_DEMO_BUILD_DIR="$LK_TMP/demo-build" \
  LATCHKEY_DEMO_DIR="$DEMO" LATCHKEY_GATEWAY_PORT="$GW_PORT" LATCHKEY_BROKER_PORT="$BROKER_PORT" \
  bash "$ROOT/scripts/demo.sh"
DEMO_PID=$LK_LAST_PID
LOG="$LK_TMP/demo.log"
running() { grep -q '^Latchkey demo is running' "$LOG" || ! kill -0 "$DEMO_PID"; }
lk_wait_for 120 "the demo says it is running" running
kill -0 "$DEMO_PID" 2>/dev/null || lk_fail "the demo exited: $(cat "$LOG")"
grep -q '^demo: installing the packages the demo needs' "$LOG" || lk_fail "the demo does not say it installs"
grep -q "^  PIN            $(cat "$DEMO/pin")\$" "$LOG" || lk_fail "the demo does not print the PIN"

lk_log "the curl lines the demo prints open door1"
sed -n '/^Try it with curl/,/^$/p' "$LOG" | sed '1d;/^$/d' >"$LK_TMP/try.sh"
[ -s "$LK_TMP/try.sh" ] || lk_fail "the demo prints no curl lines"
out=$(bash "$LK_TMP/try.sh" 2>&1) || lk_fail "the printed curl lines failed: $out"
lk_expect_eq "$out" 'data-result="opened"' "the printed curl lines"
relay_on() { grep -q ' on$' "$DEMO/relay-door1.log"; }
lk_wait_for 10 "door1's relay on" relay_on

lk_log "SIGTERM stops all the demo started"
lk_stop "$DEMO_PID"
for port in "$GW_PORT" "$BROKER_PORT"; do
  [ -z "$(ss -Hltn "sport = :$port")" ] || lk_fail "port $port still listens after the demo stopped"
done
lk_log "demo passed"
