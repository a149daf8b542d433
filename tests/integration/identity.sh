#!/usr/bin/env bash
# identity.sh - who may open what, end to end on loopback (real Mosquitto, latchkey-gateway,
# a simulated latchkey-device, curl as phones): users managed with the gateway's CLI, a door
# that is not the user's, a valid certificate whose CN is no user, a disabled user, the
# wrong-PIN lockout and its persistence across a gateway restart, the admin unlock, the
# admin-only history page, the audit log (CLI) with certificate serial and peer address of
# every attempt, and the fail-closed rule: with the audit database locked by another writer
# the gateway refuses to open and the relay does not move.
# usage: identity.sh SOURCE_DIR BUILD_DIR
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"
command -v sqlite3 >/dev/null || lk_fail "missing tool: sqlite3 (scripts/install-deps.sh installs it)"

lk_site_make --door "door1:Front door" --door "door2:Back door" --pin 246810 --ack-timeout-ms 8000
RELAY_LOG="$SITE/relay-door1.log"
gw() { "$BUILD/gateway/latchkey-gateway" -c "$CONF" "$@"; }

lk_log "users through the CLI: bob (door1 only), dave and erin; certificates for them and for mallory (no user)"
printf '1357\n' | gw user add bob --doors door1 >/dev/null
printf '1111\n' | gw user add dave --doors door1,door2 >/dev/null
printf '2222\n' | gw user add erin >/dev/null
if printf '12\n' | gw user add frank >/dev/null 2>&1; then lk_fail "a 2-digit PIN was accepted"; fi
if printf '1234\n' | gw user add gina --doors cellar >/dev/null 2>&1; then lk_fail "an unknown door was accepted"; fi
if printf '1234\n' | gw user add bob >/dev/null 2>&1; then lk_fail "a second bob was accepted"; fi
gw user list >"$LK_TMP/users.txt"
grep -q '^alice  *admin  *ok  *door1,door2$' "$LK_TMP/users.txt" || lk_fail "user list: $(cat "$LK_TMP/users.txt")"
grep -q '^bob  *user  *ok  *door1$' "$LK_TMP/users.txt" || lk_fail "user list: $(cat "$LK_TMP/users.txt")"
export LATCHKEY_CA_PASSPHRASE
LATCHKEY_CA_PASSPHRASE=$(cat "$SITE/ca.passphrase")
for who in bob dave erin mallory; do
  "$BUILD/certs-tool/latchkey-certs" -d "$PKI" issue client "$who" >/dev/null
done

lk_site_start_broker
lk_site_start_device door1
lk_site_start_gateway
lk_site_wait_online door1

# phone WHO curl-args...: lk_phone as WHO; prints "<status> <data-result>"; body in $LK_TMP/body.
phone() { local who=$1; shift; LK_AS=$who lk_phone "$@"; }
# page WHO: GET / into $OUT; keeps the form's hidden field (the CSRF token) for the next post.
page() {
  OUT=$(phone "$1" "$URL/")
  HIDDEN=$(grep -o '<input type="hidden" name="[a-z_]*" value="[^"]*"' "$LK_TMP/body" |
    sed -n '1s/.*name="\([a-z_]*\)" value="\([^"]*\)"/\1=\2/p') || true
}
# post WHO PIN DOOR: the form as a browser sends it (same origin, hidden fields of the page
# fetched last by page()).
post() {
  local extra=()
  [ -z "${HIDDEN:-}" ] || extra=(--data-urlencode "$HIDDEN")
  phone "$1" -H "Origin: $URL" -H "Sec-Fetch-Site: same-origin" --data-urlencode "pin=$2" \
    --data-urlencode "door=$3" "${extra[@]}" "$URL/action"
}
relay_count() { lk_relay_count door1 "$1"; }

lk_log "bob sees only door1 and may not open door2"
page bob; lk_expect_eq "$OUT" "200 " "bob's page"
grep -q 'value="door1"' "$LK_TMP/body" || lk_fail "bob has no door1 button"
if grep -q 'value="door2"' "$LK_TMP/body"; then lk_fail "bob sees door2"; fi
out=$(post bob 1357 door2); lk_expect_eq "$out" "403 forbidden" "bob opens door2"

lk_log "history is for admins: bob 403, alice 200"
out=$(phone bob "$URL/history"); lk_expect_eq "$out" "403 forbidden" "bob's history"
grep -q 'The history is for administrators only.' "$LK_TMP/body" || lk_fail "bob is not told why: $(cat "$LK_TMP/body")"
page bob
if grep -q 'href="/history"' "$LK_TMP/body"; then lk_fail "bob's page links the history"; fi

lk_log "a valid certificate whose CN is no user: the page is a 403 with a clear message"
out=$(phone mallory "$URL/"); lk_expect_eq "$out" "403 forbidden" "mallory's page"
grep -q 'not a Latchkey user' "$LK_TMP/body" || lk_fail "no clear message for mallory: $(cat "$LK_TMP/body")"
HIDDEN=""
out=$(post mallory 1234 door1)
case "$out" in "403 forbidden"|"403 csrf") ;; *) lk_fail "mallory's post: $out" ;; esac
lk_log "a user deleted while the page was open: the post is refused as unknown"
page erin; lk_expect_eq "$OUT" "200 " "erin's page"
gw user del erin >/dev/null
out=$(post erin 2222 door1); lk_expect_eq "$out" "403 forbidden" "deleted erin's post"

lk_log "a disabled user: page and post refused"
page dave; lk_expect_eq "$OUT" "200 " "dave's page"
gw user disable dave >/dev/null
out=$(post dave 1111 door1); lk_expect_eq "$out" "403 forbidden" "disabled dave's post"
grep -q 'disabled' "$LK_TMP/body" || lk_fail "no 'disabled' message: $(cat "$LK_TMP/body")"
out=$(phone dave "$URL/"); lk_expect_eq "$out" "403 forbidden" "disabled dave's page"
lk_expect_eq "$(relay_count on)" 0 "relay pulses after refused attempts"

lk_log "lockout: five wrong PINs, then even the right PIN is refused as locked"
page alice; lk_expect_eq "$OUT" "200 " "alice's page"
for i in 1 2 3 4 5; do
  out=$(post alice 000000 door1); lk_expect_eq "$out" "403 wrong-pin" "wrong PIN $i"
done
grep -q 'Locked after too many wrong PINs until' "$LK_TMP/body" || lk_fail "5th wrong PIN does not say locked"
out=$(post alice "$PIN" door1); lk_expect_eq "$out" "403 locked" "right PIN while locked"
grep -q 'until <time datetime="[0-9-]*T[0-9:]*Z">[0-9-]* [0-9:]* [A-Z+0-9-]*</time> (about [0-9]* minutes\{0,1\})' "$LK_TMP/body" ||
  lk_fail "locked page does not say until when: $(cat "$LK_TMP/body")"
gw user list | lk_has '^alice  *admin  *locked [0-9]*s' || lk_fail "user list does not show the lock: $(gw user list)"

lk_log "the lock survives a gateway restart"
lk_stop "$GW_PID"
lk_site_start_gateway
page alice; lk_expect_eq "$OUT" "200 " "alice's page after the restart"
out=$(post alice "$PIN" door1); lk_expect_eq "$out" "403 locked" "right PIN after the restart"
lk_expect_eq "$(relay_count on)" 0 "relay pulses while locked"

lk_log "admin unlock: the right PIN opens again"
gw user unlock alice >/dev/null
out=$(post alice "$PIN" door1); lk_expect_eq "$out" "200 opened" "right PIN after unlock"
relay_off() { [ "$(relay_count off)" -ge 1 ]; }
lk_wait_for 5 "relay back off" relay_off
lk_expect_eq "$(relay_count on)" 1 "relay pulses after unlock"

lk_log "alice (admin) sees the history, escaped, newest first"
page alice; grep -q 'href="/history"' "$LK_TMP/body" || lk_fail "alice's page has no history link"
out=$(phone alice "$URL/history"); lk_expect_eq "$out" "200 opened" "alice's history"
grep -q '<td>erin</td>' "$LK_TMP/body" || lk_fail "history lacks erin's attempt"
grep -q '<td>Front door</td>' "$LK_TMP/body" || lk_fail "history does not name doors by label"
grep -q '<td class="when"><time datetime="[0-9-]*T[0-9:]*Z">' "$LK_TMP/body" || lk_fail "history times are no <time>"
[ "$(grep -c '<tr data-result=' "$LK_TMP/body")" -ge 10 ] || lk_fail "history has too few rows"

lk_log "the history in pages of 100: older and newer links (keyset), without script"
# 150 old rows from another writer, as a long-running site would have them.
sqlite3 "$DB" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 150)
  INSERT INTO audit (at_ms, user, serial, door, result, reason, latency_ms, peer, cmd_id)
  SELECT 1000000 + i / 2, 'old' || i, '01', 'door1', 'opened', '-', 1, '127.0.0.1', NULL FROM n"
total=$(sqlite3 "$DB" 'SELECT count(*) FROM audit')
rows() { grep -c '<tr data-result=' "$LK_TMP/body"; }
link() { sed -n "s/.*href=\"\(\/history?$1=[0-9.]*\)\".*/\1/p" "$LK_TMP/body" | head -n1; }
out=$(phone alice "$URL/history"); lk_expect_eq "$out" "200 opened" "history page 1"
lk_expect_eq "$(rows)" 100 "rows on page 1"
[ -z "$(link newer)" ] || lk_fail "page 1 has a newer link"
older=$(link older); [ -n "$older" ] || lk_fail "page 1 has no older link"
seen=100 pages=1
while [ -n "$older" ] && [ "$pages" -lt 10 ]; do
  out=$(phone alice "$URL$older"); lk_expect_eq "$out" "200 opened" "history page $((pages + 1))"
  [ -n "$(link newer)" ] || lk_fail "page $((pages + 1)) has no newer link"
  seen=$((seen + $(rows))) pages=$((pages + 1)) older=$(link older)
done
lk_expect_eq "$seen" "$total" "rows over all $pages pages"
grep -q '<td>old1</td>' "$LK_TMP/body" || lk_fail "the last page lacks the oldest row"
out=$(phone alice "$URL$(link newer)"); lk_expect_eq "$out" "200 opened" "back to a newer page"
[ "$(rows)" -ge 1 ] || lk_fail "the newer page is empty"
out=$(phone alice "$URL/history?older=12x"); lk_expect_eq "$out" "400 bad-request" "a malformed page key"
out=$(phone bob "$URL/history?older=1.1"); lk_expect_eq "$out" "403 forbidden" "bob's page 2"

lk_log "audit unavailable (another writer holds the database lock): refuse, relay untouched"
mkfifo "$LK_TMP/lock.fifo"
exec 8<>"$LK_TMP/lock.fifo"
# (not lk_start: a background job without its own '<' would read /dev/null). The locker
# waits for the lock (.timeout): the gateway may be writing at that moment (an audit row,
# the lockout state), and a BEGIN that fails at once would leave the database unlocked.
sqlite3 -cmd ".timeout $(( 20000 * LK_SLOW ))" "$DB" <"$LK_TMP/lock.fifo" >"$LK_TMP/locker.log" 2>&1 8>&- &
LK_PIDS+=("$!")
echo "BEGIN IMMEDIATE;" >&8
db_locked() { ! sqlite3 -cmd ".timeout 0" "$DB" "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1; }
lk_wait_for $(( 25 * LK_SLOW )) "the database lock" db_locked
out=$(post alice "$PIN" door1); lk_expect_eq "$out" "503 audit-unavailable" "right PIN, audit locked"
sleep 1 # a pulse would show up within this time
lk_expect_eq "$(relay_count on)" 1 "relay pulses with the audit unavailable"
grep -q 'audit: cannot write' "$GATEWAY_LOG" || lk_fail "no audit failure log line"
echo "ROLLBACK;" >&8
exec 8>&-
lk_wait_for 5 "the lock released" bash -c "! { ! sqlite3 -cmd '.timeout 0' '$DB' 'BEGIN IMMEDIATE; ROLLBACK;' >/dev/null 2>&1; }"
out=$(post alice "$PIN" door1); lk_expect_eq "$out" "200 opened" "right PIN once the audit works again"
lk_wait_for 5 "second pulse" bash -c "[ \$(grep -c ' on\$' '$RELAY_LOG') -ge 2 ]"

lk_log "every attempt that reached a decision is in the audit, with serial and peer"
gw audit >"$LK_TMP/audit.txt"
serial_of() { openssl x509 -in "$PKI/issued/$1.crt" -noout -serial | sed 's/^serial=//'; }
check_user_rows() { # USER EXPECTED-RESULTS...
  local who=$1 got want serial; shift
  want="$*"
  got=$(grep " user=$who " "$LK_TMP/audit.txt" | sed 's/.* result=\([a-z-]*\) .*/\1/' | tr '\n' ' ' | sed 's/ $//')
  lk_expect_eq "$got" "$want" "audit results of $who"
  serial=$(serial_of "$who")
  [ -n "$serial" ] || lk_fail "no serial for $who"
  if grep " user=$who " "$LK_TMP/audit.txt" | grep -v " serial=$serial peer=127.0.0.1 " | lk_has .; then
    lk_fail "audit rows of $who without serial $serial / peer 127.0.0.1: $(grep " user=$who " "$LK_TMP/audit.txt")"
  fi
}
check_user_rows bob forbidden
check_user_rows erin forbidden
check_user_rows dave forbidden
check_user_rows alice wrong-pin wrong-pin wrong-pin wrong-pin wrong-pin locked locked opened opened
grep -q ' user=erin .* reason=unknown-user ' "$LK_TMP/audit.txt" || lk_fail "erin's reason"
grep -q ' user=dave .* reason=user-disabled ' "$LK_TMP/audit.txt" || lk_fail "dave's reason"
grep -q ' user=bob door=door2 result=forbidden reason=door-not-allowed ' "$LK_TMP/audit.txt" || lk_fail "bob's reason"
[ "$(grep -c ' result=opened .* id=[0-9a-f]\{32\}$' "$LK_TMP/audit.txt")" -eq 2 ] || lk_fail "opened rows lack the command id"
gw audit --user alice --since 1h --json >"$LK_TMP/audit.json"
case "$(cat "$LK_TMP/audit.json")" in '[{"time":"'*'"user":"alice"'*) ;; *) lk_fail "audit --json: $(cat "$LK_TMP/audit.json")" ;; esac
[ "$(grep -o '"user":"alice"' "$LK_TMP/audit.json" | wc -l)" -eq 9 ] || lk_fail "audit --json --user alice row count"
[ "$(gw audit --since 2000-01-01 --user nobody | wc -l)" -eq 0 ] || lk_fail "audit --user nobody is not empty"

lk_log "all identity, lockout and audit checks passed"
