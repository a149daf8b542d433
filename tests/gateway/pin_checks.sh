#!/usr/bin/env bash
# pin_checks.sh - the PIN check off the event loop, against a real Mosquitto and device:
# - while one phone's PIN is in scrypt (~0.1-0.3 s), another phone's request is answered
#   (the lws loop is not blocked): its time must be well under the PIN check's;
# - the verified-PIN cache: a second right PIN is decided from the cache (metrics), a wrong
#   PIN forgets it, a changed PIN (user set-pin) makes the old one wrong at once;
# - one PIN check per user at a time: concurrent attempts of the same user get "busy"
#   (429), are audited, and do not count as wrong PINs.
# usage: pin_checks.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is for the site helpers sourced below
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

for tool in mosquitto curl awk; do command -v "$tool" >/dev/null || lk_fail "missing tool: $tool"; done

lk_site_make --door "door1:Front door" --pin 135790
# taps follow each other quickly here: no rate limit on the device, short pulses
sed -i 's/^\[relay\]$/[relay]\nmin_interval_ms = 0/; s/^pulse_ms = .*/pulse_ms = 50/' "$SITE/device-door1.conf"
lk_site_metrics
lk_site_start_broker
lk_site_start_device door1
lk_site_start_gateway
lk_wait_port "$METRICS_PORT" 10 "$GW_PID"
lk_site_wait_online door1

post() { LK_AS=alice lk_post -d "pin=$1" -d door=door1 "$URL/action"; }
pin_checks() { curl -sS --max-time 5 "$MURL/metrics" | awk -v p="{path=\"$1\"}" '$1 == "latchkey_pin_checks_total" p { print $2 }'; }
token() {
  LK_AS=alice lk_phone "$URL/" >/dev/null
  lk_csrf_of "$LK_TMP/body"
}
# timed NAME CURL_ARGS...: one request as alice in the background; "<seconds> <status>"
# goes to $LK_TMP/NAME.time.
timed() {
  local name=$1; shift
  curl -sS -o /dev/null -w '%{time_total} %{http_code}\n' --max-time $(( 15 * LK_SLOW )) \
    --cacert "$PKI/ca/ca.crt" --cert "$PKI/issued/alice.crt" --key "$PKI/private/alice.key" \
    "$@" >"$LK_TMP/$name.time" 2>"$LK_TMP/$name.err" &
}

lk_log "cache: the second right PIN is decided without scrypt"
lk_expect_eq "$(post "$PIN")" "200 opened" "first right PIN"
lk_expect_eq "$(pin_checks scrypt) $(pin_checks cache)" "1 0" "checks after the first PIN"
lk_expect_eq "$(post "$PIN")" "200 opened" "second right PIN"
lk_expect_eq "$(pin_checks scrypt) $(pin_checks cache)" "1 1" "checks after the second PIN"
lk_expect_eq "$(post 000000)" "403 wrong-pin" "wrong PIN"
lk_expect_eq "$(post "$PIN")" "200 opened" "right PIN after a wrong one"
lk_expect_eq "$(pin_checks scrypt) $(pin_checks cache)" "3 1" "a wrong PIN forgets the cached one"
lk_expect_eq "$(lk_relay_count door1 on)" 3 "relay pulses"

lk_log "cache: a changed PIN makes the cached one wrong at once"
printf '246802\n' | lk_site_gw user set-pin alice >/dev/null || lk_fail "user set-pin"
lk_expect_eq "$(post "$PIN")" "403 wrong-pin" "old PIN after set-pin"
lk_expect_eq "$(post 246802)" "200 opened" "new PIN"
PIN=246802
lk_expect_eq "$(lk_relay_count door1 on)" 4 "relay pulses"

lk_log "loop not blocked: another request is answered while a PIN is in scrypt"
fast=0
for try in 1 2 3; do
  tok=$(token)
  timed "slow$try" -H "Origin: $URL" -d "csrf=$tok" -d pin=000000 -d door=door1 "$URL/action"
  slow_pid=$!
  sleep 0.03
  timed "quick$try" "$URL/manifest.webmanifest"
  quick_pid=$!
  wait "$slow_pid" "$quick_pid"
  read -r t_slow s_slow <"$LK_TMP/slow$try.time"
  read -r t_quick s_quick <"$LK_TMP/quick$try.time"
  lk_expect_eq "$s_slow $s_quick" "403 200" "statuses of try $try"
  lk_log "try $try: wrong PIN answered in ${t_slow}s, the other request in ${t_quick}s"
  if awk -v q="$t_quick" -v s="$t_slow" 'BEGIN { exit !(2 * q < s) }'; then fast=$((fast + 1)); fi
  lk_expect_eq "$(post "$PIN")" "200 opened" "right PIN resets the count (try $try)"
done
[ "$fast" -ge 2 ] || lk_fail "requests waited for the PIN check in $((3 - fast)) of 3 tries"

lk_log "one PIN check per user at a time: the others are busy, not wrong"
busy=0 wrong=0
for round in 1 2 3; do
  for i in 1 2 3; do
    tok=$(token)
    timed "par$round-$i" -H "Origin: $URL" -d "csrf=$tok" -d pin=000001 -d door=door1 "$URL/action"
    pids[i]=$!
  done
  wait "${pids[@]}"
  for i in 1 2 3; do
    read -r _ s <"$LK_TMP/par$round-$i.time"
    case $s in
      429) busy=$((busy + 1)) ;;
      403) wrong=$((wrong + 1)) ;;
      *) lk_fail "parallel attempt answered $s" ;;
    esac
  done
  lk_expect_eq "$(post "$PIN")" "200 opened" "right PIN after round $round"
  [ "$busy" -eq 0 ] || break
done
[ "$busy" -ge 1 ] || lk_fail "three attempts at once were never refused as busy"
lk_site_gw audit --user alice >"$LK_TMP/audit.txt" || lk_fail "audit"
lk_expect_eq "$(grep -c 'result=busy reason=pin-check-running' "$LK_TMP/audit.txt")" "$busy" "busy rows in the audit"
lk_expect_eq "$(grep -c 'result=wrong-pin' "$LK_TMP/audit.txt")" "$((wrong + 5))" "wrong-pin rows in the audit"
lk_site_gw user list | lk_has '^alice  *admin  *ok ' || lk_fail "alice not ok: $(lk_site_gw user list)"
lk_log "pin_checks: all checks passed"
