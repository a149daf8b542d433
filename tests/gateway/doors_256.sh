#!/usr/bin/env bash
# doors_256.sh - a site at the door limit through the real programs (issue 22): 256 doors
# made by scripts/make-site.sh (256 device certificates, ack keys and the broker's ACL from
# latchkey-certs broker-config), real Mosquitto, the device of door200, the gateway with
# Home Assistant discovery. Checks: --check-config counts 256 doors and a 257th is refused
# in one line; bob, allowed door200 only, sees only it on his page and opens it, and is
# refused on door1, door199, door201 and door256 with nothing sent; alice's page and
# websocket list all 256; a schedule on door250 (far past the old 32-bit mask) refuses
# outside its window and `user show` lists it; every door's discovery configs reach the
# broker through the generated ACL.
# usage: doors_256.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is for the site helpers sourced below
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

PY=python3
[ ! -x /usr/bin/python3 ] || PY=/usr/bin/python3 # Debian's, with python3-websockets
N=256
args=()
for i in $(seq 1 "$N"); do args+=(--door "door$i:Door $i"); done
lk_site_make "${args[@]}" --pin 135790
sed -i 's/^\[relay\]$/[relay]\nmin_interval_ms = 0/; s/^pulse_ms = .*/pulse_ms = 50/' "$SITE/device-door200.conf"
[ "$(grep -c '^\[door ' "$CONF")" = "$N" ] || lk_fail "make-site wrote $(grep -c '^\[door ' "$CONF") doors"
[ "$(grep -c '^user home/door' "$SITE/broker/acl")" = "$N" ] || lk_fail "broker ACL: not $N devices"

out=$(lk_site_gw --check-config 2>&1) || lk_fail "--check-config: $out"
lk_has "OK ($N doors," <<<"$out" || lk_fail "--check-config: $out"
# One door more: refused in one line naming its section.
cp "$CONF" "$LK_TMP/257.conf"
printf '\n[door door%s]\nlabel = one too many\n' $((N + 1)) >>"$LK_TMP/257.conf"
rc=0; out=$("$BUILD/gateway/latchkey-gateway" -c "$LK_TMP/257.conf" --check-config 2>&1) || rc=$?
[ "$rc" -ne 0 ] || lk_fail "257 doors accepted"
[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || lk_fail "257 doors: not one line: $out"
line=$(grep -n "^\[door door$((N + 1))\]" "$LK_TMP/257.conf" | cut -d: -f1)
lk_has -F "257.conf:$line: more than $N doors (the most one gateway takes)" <<<"$out" ||
  lk_fail "257 doors: $out"

# bob: door200 only. alice (make-site's admin) has every door.
lk_site_certs issue client bob >/dev/null
echo 246802 | lk_site_gw user add bob --doors door200 >/dev/null
lk_site_gw user list | lk_has "^bob .*door200" || lk_fail "bob: $(lk_site_gw user list)"
# A schedule far past 32 doors: door250 from tomorrow for alice; door201 any weekday window.
lk_site_gw user schedule alice door250 --from "$(date -d '+1 day' +%Y-%m-%d)" >/dev/null
out=$(lk_site_gw user show alice)
[ "$(grep -c '^alice on door' <<<"$out")" = "$N" ] || lk_fail "user show alice: not $N doors"
lk_has "^alice on door250: from " <<<"$out" || lk_fail "user show: no door250 schedule: $out"
lk_has "^alice on door249: any time" <<<"$out" || lk_fail "user show: door249: $out"

printf '\n[homeassistant]\ndiscovery_prefix = homeassistant\n' >>"$CONF"
lk_site_test_identity test-ha "topic read homeassistant/#"
lk_site_start_broker
lk_site_start_device door200
lk_site_start_gateway
lk_site_wait_online door200

# The page: bob sees door200 alone, alice all of them.
r=$(LK_AS=bob lk_phone "$URL/")
[ "$r" = "200 " ] || lk_fail "bob's page: $r"
lk_expect_eq "$(grep -o 'data-door="[a-z0-9]*"' "$LK_TMP/body" | sort -u | tr '\n' ' ')" \
  'data-door="door200" ' "bob's page lists"
lk_phone "$URL/" >/dev/null
lk_expect_eq "$(grep -o 'data-door="[a-z0-9]*"' "$LK_TMP/body" | sort -u | wc -l)" "$N" "alice's page doors"
lk_has 'data-schedule="door250">Door 250: from ' "$LK_TMP/body" || lk_fail "no door250 schedule line"

# bob opens door200, and nothing else.
r=$(LK_AS=bob lk_post -d pin=246802 -d door=door200 "$URL/action")
[ "$r" = "200 opened" ] || lk_fail "bob on door200: $r"
for d in door1 door199 door201 door256; do
  r=$(LK_AS=bob lk_post -d pin=246802 -d door=$d "$URL/action")
  [ "$r" = "403 forbidden" ] || lk_fail "bob on $d: $r"
  lk_has "not one of yours" "$LK_TMP/body" || lk_fail "bob on $d: $(cat "$LK_TMP/body")"
done
[ "$(lk_relay_count door200 on)" = 1 ] || lk_fail "door200 pulses: $(lk_relay_count door200 on)"
out=$(lk_site_gw audit --user bob --json)
[ "$(grep -o '"reason":"door-not-allowed"' <<<"$out" | wc -l)" = 4 ] || lk_fail "bob's audit: $out"
# alice: door250 refused before its start, door200 opens.
r=$(lk_post -d "pin=$PIN" -d door=door250 "$URL/action")
[ "$r" = "403 outside-schedule" ] || lk_fail "alice on door250 before its start: $r"
r=$(lk_post -d "pin=$PIN" -d door=door200 "$URL/action")
[ "$r" = "200 opened" ] || lk_fail "alice on door200: $r"

# The websocket's doors message: all 256 for alice, door200 alone for bob.
ws() { # USER: the first doors message's door names, sorted, one line
  timeout $(( 20 * LK_SLOW )) "$PY" "$ROOT/tests/gateway/ws_client.py" "wss://localhost:$GATEWAY_PORT/ws" \
    "$PKI/ca/ca.crt" "$PKI/issued/$1.crt" "$PKI/private/$1.key" --origin "$URL" --seconds 3 |
    sed -n 's/^msg //p' | "$PY" -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("type") == "doors":
        print(len(m["doors"]), " ".join(sorted(d["door"] for d in m["doors"])[:3])); break'
}
out=$(ws alice)
lk_expect_eq "${out%% *}" "$N" "alice's websocket doors"
lk_expect_eq "$(ws bob)" "1 door200" "bob's websocket doors"

# Discovery: the gateway's configs of every door arrive through the generated ACL.
ha_configs() { # TOPIC_FILTER: how many retained gateway configs match it (2 s at most)
  # shellcheck disable=SC2046 # lk_site_mqtt_id prints several options: split on purpose
  mosquitto_sub -h localhost -p "$BROKER_PORT" $(lk_site_mqtt_id test-ha) -v --retained-only \
    -t "$1" -W 2 2>/dev/null |
    grep -cE '^homeassistant/[a-z_]+/latchkey_home_door[0-9]+/(attempt|last_result|last_opener|request)/config ' || true
}
per_door=$(ha_configs 'homeassistant/+/latchkey_home_door17/+/config')
[ "$per_door" -ge 3 ] || lk_fail "door17's discovery configs: $per_door"
ha_all() { [ "$(ha_configs 'homeassistant/+/+/+/config')" = $((N * per_door)) ]; }
lk_wait_for $(( 20 * LK_SLOW )) "$((N * per_door)) discovery configs" ha_all
echo "doors_256: ok"
