#!/usr/bin/env bash
# device_commands.sh - command attacks at the device: forged, unsigned, stale, replayed,
# misdirected, malformed and oversize commands published straight to the real broker with
# an identity the ACL lets write commands (test-cmd, like the gateway's). The relay must never move and
# each ack must carry the reason; a good command at the end proves the device still works.
# usage: device_commands.sh SOURCE_DIR BUILD_DIR
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

. "$ROOT/tests/lib/commands.sh"

lk_site_make --pin 123456
lk_site_start_broker
lk_cmd_collect_acks
lk_site_start_device door1
online() { grep -qx online "$LK_TMP/acks.log"; }
lk_wait_for 15 "device online" online
KEY="$PKI/cmd/command.key"
openssl genpkey -algorithm ed25519 -out "$LK_TMP/forger.key" 2>/dev/null

relay_ons() { lk_relay_count door1 on; }

now=$(date +%s)
attack() { lk_log "attack: $1"; }

attack "forged signature (another key)"
id=$(newid); cmd_json "$id" home door1 open "$now" $((now + 30)) "$(sign "$LK_TMP/forger.key" "$id" home door1 open attacker "$now" $((now + 30)))" | publish
expect_ack "$id" bad-signature

attack "unsigned (empty signature)"
id=$(newid); cmd_json "$id" home door1 open "$now" $((now + 30)) "" | publish
expect_ack "$id" malformed

attack "expired"
id=$(newid); iat=$((now - 120)); exp=$((now - 90))
cmd_json "$id" home door1 open $iat $exp "$(sign "$KEY" "$id" home door1 open attacker $iat $exp)" | publish
expect_ack "$id" expired

attack "not yet valid"
id=$(newid); iat=$((now + 600)); exp=$((now + 630))
cmd_json "$id" home door1 open $iat $exp "$(sign "$KEY" "$id" home door1 open attacker $iat $exp)" | publish
expect_ack "$id" not-yet-valid

attack "wrong door"
id=$(newid); cmd_json "$id" home door2 open "$now" $((now + 30)) "$(sign "$KEY" "$id" home door2 open attacker "$now" $((now + 30)))" | publish
expect_ack "$id" wrong-target

attack "wrong site"
id=$(newid); cmd_json "$id" cabin door1 open "$now" $((now + 30)) "$(sign "$KEY" "$id" cabin door1 open attacker "$now" $((now + 30)))" | publish
expect_ack "$id" wrong-target

attack "unknown action"
id=$(newid); cmd_json "$id" home door1 unlock-all "$now" $((now + 30)) "$(sign "$KEY" "$id" home door1 unlock-all attacker "$now" $((now + 30)))" | publish
expect_ack "$id" unknown-action

attack "lifetime longer than 60 s"
id=$(newid); cmd_json "$id" home door1 open "$now" $((now + 3600)) "$(sign "$KEY" "$id" home door1 open attacker "$now" $((now + 3600)))" | publish
expect_ack "$id" malformed

attack "malformed JSON"
# Not JSON at all, so no id can be read back: the ack has an empty id.
id=$(newid); printf '{"v":1,"id":"%s","site":"home","door":"door1",' "$id" | publish
expect_ack "" malformed

attack "oversize payload (64 KiB): the broker disconnects the sender (max_packet_size)"
if head -c 65536 /dev/zero | tr '\0' 'A' | publish 2>/dev/null; then lk_fail "the broker took a 64 KiB command"; fi
attack "oversize payload under the broker's limit (1900 bytes, the device takes <= 1024)"
head -c 1900 /dev/zero | tr '\0' 'A' | publish
sleep 1 # dropped by the device's bounds: no movement
lk_expect_eq "$(relay_ons)" 0 "relay pulses after the attacks"

lk_log "control: a good command opens, and its replay is refused"
id=$(newid); now=$(date +%s)
good=$(cmd_json "$id" home door1 open "$now" $((now + 30)) "$(sign "$KEY" "$id" home door1 open attacker "$now" $((now + 30)))")
printf '%s' "$good" | publish
ok_acked() { grep -F "\"id\":\"$id\"" "$LK_TMP/acks.log" | grep -qF '"result":"ok"'; }
lk_wait_for 5 "ok ack of the good command" ok_acked
lk_expect_eq "$(relay_ons)" 1 "relay pulses after the good command"
printf '%s' "$good" | publish
replayed() { [ "$(grep -cF "\"id\":\"$id\"" "$LK_TMP/acks.log")" -ge 2 ]; }
lk_wait_for 5 "ack of the replay" replayed
grep -F "\"id\":\"$id\"" "$LK_TMP/acks.log" | tail -n1 | grep -qF '"reason":"replay"' || lk_fail "replay not refused as replay"
sleep 1
lk_expect_eq "$(relay_ons)" 1 "relay pulses at the end"
lk_log "all command attacks refused"
