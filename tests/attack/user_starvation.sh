#!/usr/bin/env bash
# user_starvation.sh - one low-privilege user cannot starve the others (docs/security.md,
# "Waiting actions"). A guest whose only door (door2) has no device, with a remembered PIN,
# fires many opens at once over one HTTP/2 connection: at most max_waiting_per_user (4) of
# them wait for door2's ack, every other one is answered at once 429 "busy" with the true
# reason (busy-user), audited and counted. Meanwhile the owner's open of door1 (online)
# opens with exactly one relay pulse, and an open of the full door2 by anyone is answered
# "busy" (busy-door), not "broker-unavailable". When the guest's waits time out their
# places are free again.
# usage: user_starvation.sh SOURCE_DIR BUILD_DIR
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

CONNS=5 PER=15 N=75  # the guest's burst: more than the gateway's 64 places for waiting actions
ACK_MS=20000         # long enough for the burst and the checks below to happen inside it
GPIN=246801

lk_site_make --door "door1:Front door" --door "door2:Shed" --pin 135790 --ack-timeout-ms "$ACK_MS"
lk_site_metrics
for u in guest gina; do
  lk_site_certs issue client "$u" >/dev/null
  printf '%s\n' "$GPIN" | lk_site_gw user add "$u" --doors door2 >/dev/null
done
lk_site_start_broker
lk_site_start_device door1 # door2 has no device: its actions wait for the ack timeout
lk_site_start_gateway
lk_site_wait_online door1

csrf_of() { # USER: the CSRF token of USER's page
  LK_AS=$1 lk_phone "$URL/" >/dev/null
  sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$LK_TMP/body" | head -n1
}
phone_args() { # USER TOKEN DOOR PIN: PHONE=(curl arguments of one POST /action as USER's phone)
  PHONE=(-sS --http2 --max-time $(( 3 * ACK_MS / 1000 * LK_SLOW )) --cacert "$PKI/ca/ca.crt"
         --cert "$PKI/issued/$1.crt" --key "$PKI/private/$1.key" -H "Origin: $URL"
         -d "csrf=$2" -d "pin=$4" -d "door=$3" "$URL/action")
}
requested() { grep -c "action requested user=$1 " "$GATEWAY_LOG" || true; }
busy_metric() { curl -sS --max-time 5 "$MURL/metrics" | awk -v l="{reason=\"$1\"}" '$1 == "latchkey_action_busy_total" l { print $2 }'; }

GTOK=$(csrf_of guest)
[ -n "$GTOK" ] || lk_fail "no CSRF token for guest"

lk_log "the guest's PIN is checked once (scrypt) and then remembered; that open waits"
phone_args guest "$GTOK" door2 "$GPIN"
lk_start prime curl -sS -o "$LK_TMP/prime.body" -w '%{http_code}\n' "${PHONE[@]}"
PRIME_PID=$LK_LAST_PID
lk_wait_for $(( 10 * LK_SLOW )) "the guest's first open is published" bash -c "grep -q 'action requested user=guest ' '$GATEWAY_LOG'"

lk_log "the guest fires $N opens of door2 at once ($CONNS HTTP/2 connections of $PER streams)"
mkdir "$LK_TMP/burst"
phone_args guest "$GTOK" door2 "$GPIN"
BURST_PIDS=()
for c in $(seq 1 "$CONNS"); do
  # At most the gateway's 16 streams per connection (a stream beyond them ends the connection).
  args=()
  for i in $(seq $(( (c - 1) * PER + 1 )) $(( c * PER ))); do
    [ "${#args[@]}" -eq 0 ] || args+=(--next)
    args+=("${PHONE[@]}" -o "$LK_TMP/burst/$i" -w "%{http_code} $i\n")
  done
  lk_start "burst$c" curl -sS --stderr "$LK_TMP/burst$c.err" --parallel --parallel-max "$PER" "${args[@]}"
  BURST_PIDS+=("$LK_LAST_PID")
done
# curl's "-w" lines (one per open, written when the transfers end: stdout is buffered).
answers() { cat "$LK_TMP"/burst[0-9]*.log | grep -E '^[0-9]{3} [0-9]+$' || true; }
finished() { grep -c "action result user=$1 " "$GATEWAY_LOG" || true; }
# Every open of the guest is either waiting (published) or finished.
settled() { [ $(( $(requested guest) + $(finished guest) )) -ge $(( N + 1 )) ]; }
lk_wait_for $(( 20 * LK_SLOW )) "every open of the burst is waiting or answered" settled

lk_log "door2 is full: anyone's open of it is busy (busy-door), nothing is sent"
out=$(LK_AS=gina lk_post -d "pin=$GPIN" -d door=door2 "$URL/action")
lk_expect_eq "$out" "429 busy" "another user's open of the full door2"
grep -q 'data-result="busy"' "$LK_TMP/body" && grep -q 'already has 4 actions waiting' "$LK_TMP/body" ||
  lk_fail "busy-door page: $(cat "$LK_TMP/body")"
out=$(LK_AS=alice lk_post -d pin=135790 -d door=door2 "$URL/action")
lk_expect_eq "$out" "429 busy" "the owner's open of the full door2"
lk_expect_eq "$(requested gina)" 0 "gina's actions published"

lk_log "meanwhile the owner opens door1: opened, one relay pulse"
out=$(LK_AS=alice lk_post -d pin=135790 -d door=door1 "$URL/action")
lk_expect_eq "$out" "200 opened" "the owner's open of door1 during the guest's burst"
lk_wait_for $(( 5 * LK_SLOW )) "door1's pulse ends" bash -c "[ \$(grep -c ' off\$' '$SITE/relay-door1.log') -ge 1 ]"
lk_expect_eq "$(lk_relay_count door1 on)" 1 "door1 relay pulses"

lk_log "the guest's extra opens were answered at once with the true reason"
lk_expect_eq "$(requested guest)" 4 "the guest's actions waiting at once (max_waiting_per_user)"
answered=$(grep -c 'action result user=guest door=door2 .* result=busy reason=busy-user ' "$GATEWAY_LOG" || true)
lk_expect_eq "$answered" $(( N - 3 )) "the guest's opens answered busy-user"
if grep -q 'result=broker-unavailable' "$GATEWAY_LOG"; then lk_fail "an open was answered broker-unavailable"; fi
lk_expect_eq "$(busy_metric busy-user)" "$answered" "latchkey_action_busy_total{reason=\"busy-user\"}"
lk_expect_eq "$(busy_metric busy-door)" 2 "latchkey_action_busy_total{reason=\"busy-door\"}"
lk_site_gw audit --user guest >"$LK_TMP/audit.txt" || lk_fail "audit"
lk_expect_eq "$(grep -c 'result=busy reason=busy-user' "$LK_TMP/audit.txt")" "$answered" "busy-user rows in the audit"

lk_log "the waits end at the ack timeout (not-confirmed); the guest's places are free again"
for p in "${BURST_PIDS[@]}"; do
  lk_wait_for $(( 3 * ACK_MS / 1000 * LK_SLOW )) "the burst ends" bash -c "! kill -0 $p 2>/dev/null"
done
lk_wait_for $(( 3 * ACK_MS / 1000 * LK_SLOW )) "the first open ends" bash -c "! kill -0 $PRIME_PID 2>/dev/null"
lk_expect_eq "$(answers | grep -c '^429 ')" "$answered" "429 answers in the burst"
lk_expect_eq "$(answers | grep -c '^504 ')" 3 "the burst's waiting opens: not-confirmed"
lk_expect_eq "$(cat "$LK_TMP/prime.log")" 504 "the first open: not-confirmed"
f=$LK_TMP/burst/$(answers | awk '$1 == 429 { print $2; exit }')
grep -q 'data-result="busy"' "$f" && grep -q 'You already have 4 door actions waiting' "$f" ||
  lk_fail "busy-user page: $(cat "$f")"
GINA_TOK=$(csrf_of gina)
phone_args gina "$GINA_TOK" door2 "$GPIN"
lk_start gina curl -sS -o /dev/null -w '%{http_code}\n' "${PHONE[@]}"
lk_wait_for $(( 10 * LK_SLOW )) "gina's open of door2 is published once its places are free" \
  bash -c "grep -q 'action requested user=gina ' '$GATEWAY_LOG'"
lk_log "one user cannot starve the others"
