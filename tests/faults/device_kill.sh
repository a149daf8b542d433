#!/usr/bin/env bash
# device_kill.sh - fault: the device is killed (SIGKILL) and restarted. Its availability goes
# offline (the broker publishes the will) and back online; actions in between answer
# "offline" at once (the gateway knows the will: nothing is sent) and never execute late:
# the relay log stays unchanged after the device is back and after the exp (short ttl) a
# command of theirs would have had; then an action opens again.
# usage: device_kill.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is for the site helpers sourced below
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

# Command lifetime (s): short, so that "after exp" comes soon, yet longer than the ack
# timeout, which is sized for a loaded machine: with 1 s a confirmed open answered 504 at
# load average 20 (the round trip gateway -> broker -> device -> ack took longer).
TTL=6
lk_site_make --door door1 --ack-timeout-ms 4000
sed -i "s/^ttl = .*/ttl = $TTL/" "$CONF"
lk_site_start_broker
lk_site_start_device door1
DEVICE_PID=$LK_LAST_PID
lk_site_start_gateway
lk_site_wait_online door1
out=$(lk_post -d pin="$PIN" -d door=door1 "$URL/action")
lk_expect_eq "$out" "200 opened" "action before the kill"
lk_wait_for 5 "relay back off" bash -c "[ \"\$(grep -c ' off\$' '$SITE/relay-door1.log')\" -ge 1 ]"

lk_log "device SIGKILLed: the will says offline"
kill -KILL "$DEVICE_PID"
{ wait "$DEVICE_PID"; } 2>/dev/null || true
lk_wait_for $(( 10 * LK_SLOW )) "door1 offline (will)" lk_site_is door1 offline
ons=$(lk_relay_count door1 on)

lk_log "actions while the device is down: offline at once, nothing sent"
requested=$(grep -c 'action requested' "$GATEWAY_LOG" || true)
for i in 1 2 3; do
  out=$(lk_post -d pin="$PIN" -d door=door1 "$URL/action")
  lk_expect_eq "$out" "503 offline" "action $i while the device is down"
done
lk_expect_eq "$(grep -c 'action requested' "$GATEWAY_LOG" || true)" "$requested" "commands sent while offline"
last_sent=$(date +%s)

lk_log "device restarted: online again, nothing of the outage executes"
lk_site_start_device door1
lk_site_wait_online door1
sleep 1 # a delivered command would pulse within this time
lk_expect_eq "$(lk_relay_count door1 on)" "$ons" "relay pulses once the device is back"
while [ "$(date +%s)" -le $(( last_sent + TTL + 1 )) ]; do sleep 0.2; done
lk_expect_eq "$(lk_relay_count door1 on)" "$ons" "relay pulses after the commands' exp"
if grep -q "command accepted" "$DEVICE_LOG"; then lk_fail "the restarted device accepted an old command"; fi

out=$(lk_post -d pin="$PIN" -d door=door1 "$URL/action")
lk_expect_eq "$out" "200 opened" "action after the restart"
lk_expect_eq "$(lk_relay_count door1 on)" $(( ons + 1 )) "relay pulses at the end"
lk_log "device kill handled"
