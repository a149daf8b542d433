#!/usr/bin/env bash
# api.sh - the JSON API for scripts (POST /api/v1/doors/DOOR/open, docs/gateway.md "JSON
# API") against a real site (Mosquitto, a simulated device, curl as the script): it opens
# over HTTP/1.1 and HTTP/2 with the documented headers; without them, with another site's
# Origin, as a CORS preflight or another method it is refused (no Access-Control-* header);
# wrong PINs say the tries left and share the lockout with the form; an offline door is
# answered "offline" at once by the API and by the form, naming the door; the PNG icons.
# usage: api.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is for the site helpers sourced below
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

lk_site_make --door "door1:Front door" --door "door2:Back door" --pin 135790 --ack-timeout-ms 3000
lk_site_start_broker
lk_site_start_device door1
DEVICE_PID=$LK_LAST_PID
lk_site_start_gateway
lk_site_wait_online door1

# api DOOR PIN [curl args...]: the documented call; prints "<status> <result>", JSON in body.
api() {
  local door=$1 pin=$2; shift 2
  lk_phone -D "$LK_TMP/headers" -H 'Content-Type: application/json' -H 'X-Auth-Token: latchkey' \
    -d "{\"pin\":\"$pin\"}" "$@" "$URL/api/v1/doors/$door/open" >/dev/null
  printf '%s %s\n' "$(sed -n 's/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "$LK_TMP/headers" | tail -n 1)" \
    "$(sed -n 's/^{"result":"\([a-z-]*\)".*/\1/p' "$LK_TMP/body")"
}
json_has() { grep -qF "$1" "$LK_TMP/body" || lk_fail "$2: no $1 in $(cat "$LK_TMP/body")"; }
no_cors() {
  if grep -qi '^access-control-' "$LK_TMP/headers"; then lk_fail "$1: a CORS header was sent"; fi
}
relay_on() { [ "$(lk_relay_count door1 on)" -ge "$1" ]; }
# The device refuses a pulse within 2 s of the last one's end: wait for that to pass (the
# relay log's lines start with their unix ms).
interval_passed() { # N: the N-th pulse ended 2 s ago
  local off
  [ "$(lk_relay_count door1 off)" -ge "$1" ] || return 1
  off=$(grep ' off$' "$SITE/relay-door1.log" | tail -n 1 | cut -d' ' -f1)
  [ $(( $(date +%s%3N) - off )) -ge 2300 ]
}
pulse_done() { lk_wait_for 10 "door1's relay on" relay_on "$1"; lk_wait_for 10 "2 s after the pulse" interval_passed "$1"; }

lk_log "the documented call opens, over HTTP/1.1 and HTTP/2, JSON with the door's label"
lk_expect_eq "$(api door1 "$PIN" --http1.1)" "200 opened" "API over HTTP/1.1"
grep -qi '^content-type: application/json' "$LK_TMP/headers" || lk_fail "the answer is not JSON"
json_has '"door":"door1","label":"Front door"' "opened"
no_cors "opened"
pulse_done 1
lk_expect_eq "$(api door1 "$PIN" --http2)" "200 opened" "API over HTTP/2"
grep -q '^HTTP/2 ' "$LK_TMP/headers" || lk_fail "curl did not use HTTP/2"
pulse_done 2

lk_log "refused without the headers, with another Origin, as a preflight or a GET: no CORS header"
for v in --http1.1 --http2; do
  lk_phone -D "$LK_TMP/headers" $v -H 'X-Auth-Token: latchkey' -d "{\"pin\":\"$PIN\"}" \
    -H 'Content-Type: text/plain' "$URL/api/v1/doors/door1/open" >/dev/null
  lk_expect_eq "$(head -n 1 "$LK_TMP/headers" | cut -d' ' -f2)" 403 "text/plain ($v)"
  json_has '"result":"csrf"' "text/plain"; json_has 'content-type-not-json' "text/plain"
  lk_phone -D "$LK_TMP/headers" $v -H 'Content-Type: application/json' -d "{\"pin\":\"$PIN\"}" \
    "$URL/api/v1/doors/door1/open" >/dev/null
  json_has '"result":"csrf"' "no marker ($v)"; json_has 'no-api-header' "no marker"
  lk_expect_eq "$(api door1 "$PIN" $v -H 'Origin: https://evil.example')" "403 csrf" "another Origin ($v)"
  lk_expect_eq "$(api door1 "$PIN" $v -H 'Sec-Fetch-Site: cross-site' --http1.1)" "403 csrf" "cross-site"
  lk_phone -D "$LK_TMP/headers" $v -X OPTIONS -H "Origin: https://evil.example" \
    -H 'Access-Control-Request-Method: POST' \
    -H 'Access-Control-Request-Headers: content-type,x-auth-token' "$URL/api/v1/doors/door1/open" >/dev/null
  lk_expect_eq "$(head -n 1 "$LK_TMP/headers" | cut -d' ' -f2)" 405 "preflight ($v)"
  no_cors "preflight ($v)"
  lk_phone -D "$LK_TMP/headers" $v "$URL/api/v1/doors/door1/open" >/dev/null
  lk_expect_eq "$(head -n 1 "$LK_TMP/headers" | cut -d' ' -f2)" 405 "GET ($v)"
done
lk_expect_eq "$(api door1 "$PIN" -H "Origin: $URL")" "200 opened" "own Origin (a page of the gateway)"
pulse_done 3
lk_expect_eq "$(lk_relay_count door1 on)" 3 "pulses: only the three allowed calls"

lk_log "bad calls: an unknown door, no pin, not JSON, too large"
lk_expect_eq "$(api door9 "$PIN")" "400 bad-request" "unknown door"
lk_expect_eq "$(api door2 "$PIN" -d '{}' )" "400 bad-request" "two bodies"
lk_phone -D "$LK_TMP/headers" -H 'Content-Type: application/json' -H 'X-Auth-Token: latchkey' \
  -d '{"pn":"1"}' "$URL/api/v1/doors/door1/open" >/dev/null
json_has '"result":"bad-request"' "no pin"
lk_phone -D "$LK_TMP/headers" -H 'Content-Type: application/json' -H 'X-Auth-Token: latchkey' \
  -d "{\"pin\":\"$(head -c 2000 /dev/zero | tr '\0' 1)\"}" "$URL/api/v1/doors/door1/open" >/dev/null
json_has '"result":"bad-request"' "too large"
lk_phone -D "$LK_TMP/headers" -H 'Content-Type: application/json' -H 'X-Auth-Token: latchkey' \
  "$URL/api/v1/doors/door1/close" -d '{}' >/dev/null
lk_expect_eq "$(head -n 1 "$LK_TMP/headers" | cut -d' ' -f2)" 404 "another verb"

lk_log "wrong PINs say the tries left and share the lockout with the form"
for i in 1 2 3 4; do
  lk_expect_eq "$(api door1 000000)" "403 wrong-pin" "wrong PIN $i"
  json_has "\"tries_left\":$((5 - i))," "wrong PIN $i"
done
json_has '"detail":"1 try left before a lock."' "the 4th wrong PIN"
out=$(lk_post -d pin=000000 -d door=door1 "$URL/action"); lk_expect_eq "$out" "403 wrong-pin" "5th, by the form"
grep -q 'data-door="door1">Front door: Wrong PIN.</p>' "$LK_TMP/body" || lk_fail "the form's result does not name the door"
grep -q 'Locked after too many wrong PINs until <time datetime=' "$LK_TMP/body" || lk_fail "no lock end"
lk_expect_eq "$(api door1 "$PIN")" "403 locked" "right PIN by the API while locked"
grep -q '"locked_until":"[0-9-]*T[0-9:]*Z"' "$LK_TMP/body" || lk_fail "no locked_until: $(cat "$LK_TMP/body")"
lk_site_gw user unlock alice >/dev/null

lk_log "an offline door: the button is disabled, API and form answer offline at once"
lk_stop "$DEVICE_PID"
lk_wait_for 15 "door1 offline" lk_site_is door1 offline
offline_page() { lk_phone "$URL/" >/dev/null; grep -q 'value="door1" aria-describedby="st-door1" disabled>' "$LK_TMP/body"; }
lk_wait_for 10 "door1's button disabled on the page" offline_page
grep -q 'data-door-status="door1" data-availability="offline"><span class="avail">Offline' "$LK_TMP/body" ||
  lk_fail "the page does not say door1 is offline"
start=$(date +%s%3N)
lk_expect_eq "$(api door1 "$PIN")" "503 offline" "API on an offline door"
json_has '"label":"Front door"' "offline"
out=$(lk_post -d pin="$PIN" -d door=door1 "$URL/action"); lk_expect_eq "$out" "503 offline" "form on an offline door"
grep -q 'Front door: The door is offline. Nothing was sent.' "$LK_TMP/body" || lk_fail "offline page: $(cat "$LK_TMP/body")"
took=$(( $(date +%s%3N) - start ))
[ "$took" -lt 2500 ] || lk_fail "the offline answers took $took ms (the ack timeout is 3000)"

lk_log "PNG icons: apple-touch-icon for iOS, 192 and 512 for the manifest"
lk_phone "$URL/" >/dev/null
grep -q '<link rel="apple-touch-icon" href="/apple-touch-icon.png">' "$LK_TMP/body" || lk_fail "no PNG apple-touch-icon link"
for icon in apple-touch-icon.png:180 icon-192.png:192 icon-512.png:512; do
  lk_phone -D "$LK_TMP/headers" "$URL/${icon%%:*}" >/dev/null
  grep -qi '^content-type: image/png' "$LK_TMP/headers" || lk_fail "/${icon%%:*} is not image/png"
  size=$(python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(); assert d[:8]==b"\x89PNG\r\n\x1a\n"; print(struct.unpack(">I",d[16:20])[0])' "$LK_TMP/body") ||
    lk_fail "/${icon%%:*} is no PNG"
  lk_expect_eq "$size" "${icon#*:}" "/${icon%%:*} width"
done
lk_phone "$URL/manifest.webmanifest" >/dev/null
grep -q '"src": "/icon-512.png", "sizes": "512x512", "type": "image/png"' "$LK_TMP/body" || lk_fail "the manifest lacks the PNG icons"
lk_log "api passed"
