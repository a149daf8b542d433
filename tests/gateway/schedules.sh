#!/usr/bin/env bash
# schedules.sh - schedules and guests through the real programs (a site on loopback with
# Mosquitto and a device): the commands of docs/gateway.md "Schedules" and "Guests" run
# word for word (taken from the doc), their errors (exit 2 with one line), [server]
# timezone checked at load, and over HTTPS: the door's schedule line on the page,
# outside-schedule before the PIN (no wrong PIN counted), the last use taken once, the
# audit's uses_left, a guest past its end refused, and the admin page's CSRF and PIN rule.
# usage: schedules.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is for the site helpers sourced below
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

lk_site_make --door "door1:Front door" --door "garage:Garage" --pin 135790
sed -i 's/^\[relay\]$/[relay]\nmin_interval_ms = 0/; s/^pulse_ms = .*/pulse_ms = 50/' "$SITE/device-door1.conf"

# An unknown zone stops start-up with the key's line; a real one loads.
sed -i '/^\[server\]$/a timezone = Europe/Nowhere' "$CONF"
out=$(lk_site_gw --check-config 2>&1) && lk_fail "an unknown timezone was accepted"
lk_has "timezone 'Europe/Nowhere' is not a zone" <<<"$out" || lk_fail "timezone error: $out"
sed -i 's|^timezone = Europe/Nowhere$|timezone = Europe/Berlin|' "$CONF"
lk_site_gw --check-config >/dev/null || lk_fail "timezone Europe/Berlin refused"

# The doc's commands, word for word, on this site's config.
doc_commands() { # SECTION: the latchkey-gateway lines of the code blocks under it
  awk -v h="### $1" '$0 == h { on = 1; next } on && /^#/ { exit } on && /^```/ { inb = !inb; next }
    on && inb && /^latchkey-gateway / { print }' "$ROOT/docs/gateway.md"
}
n=0
while IFS= read -r line; do
  n=$((n + 1))
  cmd=${line%%#*} # the comment after the command
  eval "set -- ${cmd#latchkey-gateway -c gateway.conf }"
  out=$(lk_site_gw "$@" 2>&1) || lk_fail "docs/gateway.md \"Schedules\": '$cmd' failed: $out"
done < <(doc_commands Schedules)
[ "$n" -eq 6 ] || lk_fail "expected 6 commands under \"Schedules\", found $n"
lk_has "alice on garage: any time" <<<"$out" || lk_fail "user show after --clear: $out"
line=$(doc_commands Guests | sed -n 1p)
[ -n "$line" ] || lk_fail "no user guest command in docs/gateway.md \"Guests\""
line=${line//\[--from ...\] \[--windows ...\] \[--uses N\]/}
line=${line//front/door1}
line=${line//2026-12-27 12:00/$(TZ=Europe/Berlin date -d '+1 hour' '+%Y-%m-%d %H:%M')}
eval "set -- ${line#latchkey-gateway -c gateway.conf }"
out=$(echo 246802 | lk_site_gw "$@" 2>&1) || lk_fail "user guest failed: $out"
lk_has "^guest gina added (doors door1, access ends " <<<"$out" || lk_fail "user guest: $out"

# Errors: one line, exit 2.
for bad in "alice door1 --windows mon-fri" "alice door1 --from yesterday" \
           "alice nowhere --uses 1" "alice door1 --from 2026-12-02 --until 2026-12-01"; do
  # shellcheck disable=SC2086 # the words of each case
  rc=0; out=$(lk_site_gw user schedule $bad 2>&1) || rc=$?
  [ "$rc" -eq 2 ] || lk_fail "user schedule $bad: exit $rc ($out)"
done
rc=0; out=$(echo 246802 | lk_site_gw user guest gina2 --doors door1 --until 2020-01-01 2>&1) || rc=$?
[ "$rc" -eq 2 ] || lk_fail "a guest ending in the past: exit $rc ($out)"

lk_site_start_broker
lk_site_start_device door1
lk_site_start_gateway
lk_site_wait_online door1

# alice: door1 only from tomorrow: refused before the PIN (a wrong PIN counts nothing).
lk_site_gw user schedule alice door1 --from "$(TZ=Europe/Berlin date -d '+1 day' +%Y-%m-%d)" >/dev/null
lk_phone "$URL/" >/dev/null
lk_has 'data-schedule="door1">Front door: from ' "$LK_TMP/body" || lk_fail "no schedule line on the page"
r=$(lk_post -d pin=000000 -d door=door1 "$URL/action")
[ "$r" = "403 outside-schedule" ] || lk_fail "before the start: $r"
lk_has "not started yet" "$LK_TMP/body" || lk_fail "no sentence: $(cat "$LK_TMP/body")"
lk_site_gw user show alice | lk_has "not locked" || lk_fail "alice locked"
out=$(lk_site_gw audit --user alice --json)
lk_has '"result":"outside-schedule","reason":"not-yet-valid"' <<<"$out" || lk_fail "audit: $out"
[ "$(sqlite3 "$DB" "SELECT failed FROM users WHERE name = 'alice'")" = 0 ] || lk_fail "counted as a wrong PIN"

# One use left: the first tap opens, the second is refused; the row says 0 left.
lk_site_gw user schedule alice door1 --from none --uses 1 >/dev/null
r=$(lk_post -d "pin=$PIN" -d door=door1 "$URL/action")
[ "$r" = "200 opened" ] || lk_fail "the last use: $r"
r=$(lk_post -d "pin=$PIN" -d door=door1 "$URL/action")
[ "$r" = "403 outside-schedule" ] || lk_fail "no use left: $r"
lk_site_gw audit --user alice | lk_has "result=opened .* uses_left=0" || lk_fail "no uses_left in the audit"
[ "$(lk_relay_count door1 on)" = 1 ] || lk_fail "relay pulses: $(lk_relay_count door1 on)"

# A guest past its end: forbidden, user-expired.
sqlite3 "$DB" "UPDATE users SET expires = strftime('%s', 'now') - 1 WHERE name = 'gina'"
lk_site_certs issue client gina >/dev/null
r=$(LK_AS=gina lk_phone "$URL/")
[ "$r" = "403 forbidden" ] || lk_fail "expired guest: $r"
lk_has 'The access of &quot;gina&quot; has ended' "$LK_TMP/body" || lk_fail "expired guest: $(cat "$LK_TMP/body")"

# The admin page: CSRF token and PIN required for a change; alice is the site's admin.
lk_phone "$URL/admin" | lk_has "^200" || lk_fail "GET /admin"
r=$(lk_phone -H "Origin: $URL" -d op=disable -d user=gina -d "pin=$PIN" "$URL/admin")
[ "$r" = "403 csrf" ] || lk_fail "a change without a token: $r"
lk_phone "$URL/admin" >/dev/null
tok=$(lk_csrf_of "$LK_TMP/body")
r=$(lk_phone -H "Origin: $URL" -d "csrf=$tok" -d op=disable -d user=gina "$URL/admin")
[ "$r" = "400 bad-request" ] || lk_fail "a change without the PIN: $r"
r=$(lk_phone -H "Origin: $URL" -d "csrf=$tok" -d op=disable -d user=gina -d "pin=$PIN" "$URL/admin")
[ "$r" = "200 done" ] || lk_fail "disable gina: $r"
lk_site_gw user show gina | lk_has "(disabled)" || lk_fail "gina not disabled"
r=$(LK_AS=gina lk_phone "$URL/admin")
[ "$r" = "403 forbidden" ] || lk_fail "GET /admin as a non-admin: $r"
echo "schedules: ok"
