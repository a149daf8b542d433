#!/usr/bin/env bash
# broker_outage.sh - an action attempted while the broker is down is answered at once with
# "broker-unavailable" and never executes after the broker comes back; once gateway and
# device have reconnected, a new action opens the door.
# usage: broker_outage.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is for the site helpers sourced below
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

lk_site_make --pin 864200 --ack-timeout-ms 3000
lk_site_start_broker
lk_site_start_device door1
lk_site_start_gateway

action() { # prints "<status> <data-result>" and the time taken in ms
  local t0 out
  t0=$(date +%s%N)
  # As a browser posts: same Origin and the CSRF token of the page (docs/gateway.md, CSRF).
  out=$(lk_post -d pin=$PIN -d door=door1 "$URL/action")
  echo "$out $(( ($(date +%s%N) - t0) / 1000000 ))"
}
relay_ons() { lk_relay_count door1 on; }
opens() { local code result _; read -r code result _ <<<"$(action)"; [ "$code $result" = "200 opened" ]; }
lk_wait_for 15 "a first action opens (everything connected)" opens
lk_expect_eq "$(relay_ons)" 1 "relay pulses after the first action"

lk_log "broker stopped: the action is refused at once"
lk_stop "$BROKER_PID"
sleep 0.5
read -r code result ms _ <<<"$(action)"
lk_expect_eq "$code $result" "503 broker-unavailable" "action during the outage"
took=$(lk_gateway_latency "$GATEWAY_LOG" broker-unavailable) # the gateway's time, not curl's
[ -n "$took" ] && [ "$took" -lt 2000 ] || lk_fail "broker-unavailable took ${took:-?} ms in the gateway ($ms ms for curl)"

lk_log "broker back: nothing executes late"
lk_site_start_broker
sleep 4 # gateway and device reconnect; a queued command would arrive now
lk_expect_eq "$(relay_ons)" 1 "relay pulses after the broker came back"

lk_log "after reconnecting, a new action opens"
sleep 1.5 # the device's minimum interval between pulses has long passed; reconnects settle
lk_wait_for 20 "an action opens after the outage" opens
lk_expect_eq "$(relay_ons)" 2 "relay pulses at the end"
lk_log "outage handled"
