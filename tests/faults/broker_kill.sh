#!/usr/bin/env bash
# broker_kill.sh - fault: the broker is killed (SIGKILL) mid-operation. An action waiting for
# its ack gets a bounded answer; actions during the outage answer "broker-unavailable" at once
# (< 1 s); after the broker returns, gateway (/healthz) and device (retained availability)
# are back within 2 s; no command of the outage executes later (relay log unchanged for 5 s
# after the reconnect); then an action opens again.
# usage: broker_kill.sh SOURCE_DIR BUILD_DIR
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

ms() { echo $(( $(date +%s%N) / 1000000 )); }
# Only door1 has a device: an action on door2 waits for an ack until the timeout.
lk_site_make --door door1 --door door2 --ack-timeout-ms 3000
lk_site_metrics
lk_site_start_broker
lk_site_start_device door1
lk_site_start_gateway
lk_site_wait_online door1
healthy() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$MURL/healthz")" = 200 ]; }
lk_wait_for 5 "/healthz 200" healthy
out=$(lk_post -d pin="$PIN" -d door=door1 "$URL/action")
lk_expect_eq "$out" "200 opened" "action before the outage"

lk_log "broker SIGKILLed while an action waits for its ack"
lk_post -d pin="$PIN" -d door=door2 "$URL/action" >"$LK_TMP/inflight.out" &
INFLIGHT=$!
lk_wait_for 5 "the in-flight command published" grep -q "action requested user=alice door=door2" "$GATEWAY_LOG"
kill -KILL "$BROKER_PID"
wait "$BROKER_PID" 2>/dev/null || true
t_kill=$(ms)
wait "$INFLIGHT" || true
inflight=$(cat "$LK_TMP/inflight.out")
case "$inflight" in "504 not-confirmed"|"503 broker-unavailable") ;; *) lk_fail "in-flight action: '$inflight'" ;; esac
[ $(( $(ms) - t_kill )) -le 4000 ] || lk_fail "in-flight action answered $(( $(ms) - t_kill )) ms after the kill"
lk_log "in-flight action: $inflight"

lk_log "actions during the outage: broker-unavailable at once"
lk_wait_for 5 "/healthz 503" bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 '$MURL/healthz')\" = 503 ]"
ons_before=$(lk_relay_count door1 on)
for i in 1 2 3; do
  lk_phone "$URL/" >/dev/null # the CSRF token first: only the POST is timed
  tok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$LK_TMP/body" | head -n1)
  t0=$(ms)
  out=$(lk_phone -H "Origin: $URL" -d "csrf=$tok" -d pin="$PIN" -d door=door1 "$URL/action")
  took=$(( $(ms) - t0 ))
  lk_expect_eq "$out" "503 broker-unavailable" "action $i during the outage"
  [ "$took" -lt 1000 ] || lk_fail "broker-unavailable took $took ms"
  lk_log "outage action $i: $out in $took ms"
done

lk_log "broker back: gateway and device reconnect within 2 s"
t0=$(ms) # before the start: the start-up of Mosquitto itself counts against the 2 s
lk_site_start_broker
lk_log "broker listening after $(( $(ms) - t0 )) ms"
# Every availability message with its arrival time (a retained one arrives at subscription).
# shellcheck disable=SC2046
lk_start avail mosquitto_sub -h localhost -p "$BROKER_PORT" $(lk_site_mqtt_id test-listen) \
  -t latchkey/home/door1/availability -F '%U %p'
t_gw="" t_dev=""
while [ $(( $(ms) - t0 )) -lt 10000 ] && { [ -z "$t_gw" ] || [ -z "$t_dev" ]; }; do
  [ -n "$t_gw" ] || ! healthy || t_gw=$(( $(ms) - t0 ))
  if [ -z "$t_dev" ]; then
    at=$(awk '$2 == "online" { print $1; exit }' "$LK_TMP/avail.log") # seconds.nanoseconds
    [ -z "$at" ] || t_dev=$(( ${at%.*} * 1000 + 10#$(cut -c1-3 <<<"${at#*.}") - t0 ))
  fi
  sleep 0.05
done
lk_log "gateway healthy again after ${t_gw:-never} ms, device online after ${t_dev:-never} ms"
[ -n "$t_gw" ] && [ "$t_gw" -le $(( 2000 * LK_SLOW )) ] || lk_fail "gateway reconnect: ${t_gw:-not within 10 s} ms"
[ -n "$t_dev" ] && [ "$t_dev" -le $(( 2000 * LK_SLOW )) ] || lk_fail "device reconnect: ${t_dev:-not within 10 s} ms"

lk_log "nothing of the outage executes late (5 s)"
sleep 5
lk_expect_eq "$(lk_relay_count door1 on)" "$ons_before" "relay pulses after the reconnect"
out=$(lk_post -d pin="$PIN" -d door=door1 "$URL/action")
lk_expect_eq "$out" "200 opened" "action after the outage"
lk_expect_eq "$(lk_relay_count door1 on)" $(( ons_before + 1 )) "relay pulses at the end"
lk_log "broker kill handled"
