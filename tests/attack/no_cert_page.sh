#!/usr/bin/env bash
# no_cert_page.sh - attack case "the optional no-certificate page" ([server]
# no_certificate_page): phones without a valid certificate complete TLS and must get that
# one static page and nothing else. For no certificate and every forged or refused one of
# the certificate matrix (make_bad_certs.sh, plus a revoked user), over HTTP/1.1 and HTTP/2:
# every path (the app page, history, scripts, style, manifest, icons, /ws, an unknown one),
# a form POST that would open a door, and a websocket upgrade get exactly the page (403, no
# script, no link, no user or door data) or nothing; no relay moves; a second request on the
# same connection is not answered. A valid certificate is still served the app.
# usage: no_cert_page.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is for the site helpers sourced below
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

lk_site_make --door "door1:Front door" --pin 123456
bash "$ROOT/tests/attack/make_bad_certs.sh" "$SITE" "$LK_TMP/bad"
lk_site_certs issue client bob >/dev/null
echo 112233 | lk_site_gw user add bob >/dev/null
lk_site_certs revoke bob --reason keyCompromise >/dev/null
lk_site_certs crl --out "$PKI/crl.pem" >/dev/null
cp "$PKI/issued/bob.crt" "$LK_TMP/bad/revoked.crt"; cp "$PKI/private/bob.key" "$LK_TMP/bad/revoked.key"
CONTACT="the caretaker (0612 345 678)"
sed -i "s|^crl = .*|&\nno_certificate_page = $CONTACT|" "$CONF"
lk_site_start_broker
lk_site_start_device door1
lk_site_start_gateway
lk_site_wait_online door1
grep -q "WARNING: no_certificate_page is set" "$GATEWAY_LOG" || lk_fail "the mode is not logged at start"

# req CASE CURL_ARGS...: a request as CASE ("no-cert" or a certificate of $LK_TMP/bad);
# prints the status ("none": no answer), the body in $LK_TMP/body.
req() {
  local c=$1 code; shift
  local cert=()
  [ "$c" = no-cert ] || cert=(--cert "$LK_TMP/bad/$c.crt" --key "$LK_TMP/bad/$c.key")
  rm -f "$LK_TMP/body"
  code=$(curl -sS -o "$LK_TMP/body" -w '%{http_code}' --max-time $(( 15 * LK_SLOW )) \
    --ciphers 'DEFAULT:@SECLEVEL=0' --cacert "$PKI/ca/ca.crt" "${cert[@]}" "$@" 2>/dev/null) || code=none
  echo "$code"
}
EXPECTED="$LK_TMP/page.html"
req no-cert "$URL/" >/dev/null
cp "$LK_TMP/body" "$EXPECTED"
lk_has -F "This phone has no (valid) certificate for this door: ask $CONTACT for an invitation." <"$EXPECTED" ||
  lk_fail "the page does not say whom to ask: $(cat "$EXPECTED")"
for bad in '<script' '<link' 'src=' 'href=' 'csrf' 'door1' 'Front door' 'alice' 'latchkey.v1' 'style'; do
  if lk_has -iF "$bad" <"$EXPECTED"; then lk_fail "the page holds '$bad': $(cat "$EXPECTED")"; fi
done

# only_page WHAT STATUS: the answer was the page (403, byte for byte) or none at all.
only_page() {
  [ "$2" = none ] && return 0
  [ "$2" = 403 ] || lk_fail "$1: answered $2: $(cat "$LK_TMP/body" 2>/dev/null)"
  cmp -s "$LK_TMP/body" "$EXPECTED" || lk_fail "$1: not the page: $(cat "$LK_TMP/body")"
}
ws_headers=(-H "Connection: Upgrade" -H "Upgrade: websocket" -H "Sec-WebSocket-Version: 13"
  -H "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==" -H "Sec-WebSocket-Protocol: latchkey.v1"
  -H "Origin: $URL")
# rsa1024, sha1: curl will not load a 1024-bit key or a SHA-1 signed certificate at all, so
# openssl s_client (HTTP/1.1) sends them, below.
cases=(no-cert other-ca expired not-yet-valid server-eku ca-as-client self-signed leaf-by-leaf
  revoked)
for c in "${cases[@]}"; do
  lk_log "$c: every path, a POST, a websocket upgrade, HTTP/1.1 and HTTP/2"
  for v in --http1.1 --http2; do
    st=$(req "$c" "$v" "$URL/")
    lk_expect_eq "$st" 403 "$c $v: TLS completes and GET / gets the page"
    only_page "$c $v GET /" "$st"
    for p in / /history /app.js /style.css /manifest.webmanifest /icon.svg /ws /nothing-here; do
      only_page "$c $v GET $p" "$(req "$c" "$v" "$URL$p")"
    done
    only_page "$c $v POST /action" "$(req "$c" "$v" -H "Origin: $URL" -H "Sec-Fetch-Site: same-origin" \
      --data-urlencode "pin=$PIN" --data-urlencode door=door1 "$URL/action")"
  done
  st=$(req "$c" --http1.1 "${ws_headers[@]}" "$URL/ws")
  [ "$st" != 101 ] || lk_fail "$c: websocket upgrade accepted"
  only_page "$c websocket upgrade" "$st"
done
# s_client_req CASE METHOD PATH BODY: as CASE over HTTP/1.1; prints the status, the body in
# $LK_TMP/body. (-quiet waits for the server to close, as it does after the page.)
s_client_req() {
  local c=$1 out; shift
  out=$({ printf '%s %s HTTP/1.1\r\nHost: localhost\r\nOrigin: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %s\r\n\r\n%s' \
    "$1" "$2" "$URL" "${#3}" "${3:-}"; } |
    timeout $(( 10 * LK_SLOW )) openssl s_client -quiet -cipher 'DEFAULT:@SECLEVEL=0' \
    -connect "127.0.0.1:$GATEWAY_PORT" -servername localhost -CAfile "$PKI/ca/ca.crt" \
    -cert "$LK_TMP/bad/$c.crt" -key "$LK_TMP/bad/$c.key" 2>/dev/null || true)
  printf '%s\n' "${out#*$'\r\n\r\n'}" >"$LK_TMP/body" # $() took the page's last newline
  out=${out%%$'\r'*}
  echo "${out:9:3}"
}
for c in rsa1024 sha1; do
  lk_log "$c: every path and a POST (HTTP/1.1)"
  lk_expect_eq "$(s_client_req "$c" GET / "")" 403 "$c: GET / gets the page"
  only_page "$c GET /" 403
  for p in /history /app.js /style.css /ws /nothing-here; do
    st=$(s_client_req "$c" GET "$p" ""); only_page "$c GET $p" "${st:-none}"
  done
  st=$(s_client_req "$c" POST /action "pin=$PIN&door=door1"); only_page "$c POST /action" "${st:-none}"
done
lk_expect_eq "$(lk_relay_count door1 on)" 0 "relay moves without a valid certificate"

lk_log "a second request on the same connection is not answered"
out=$(printf 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\nGET /app.js HTTP/1.1\r\nHost: localhost\r\n\r\n' | timeout $(( 10 * LK_SLOW )) openssl s_client -quiet \
  -connect "127.0.0.1:$GATEWAY_PORT" -servername localhost -CAfile "$PKI/ca/ca.crt" 2>/dev/null || true)
lk_expect_eq "$(grep -c '^HTTP/1.1 ' <<<"$out")" 1 "answers on one connection without a certificate"

lk_log "a valid certificate still gets the app"
out=$(lk_phone "$URL/")
lk_expect_eq "${out%% *}" 200 "alice's page"
lk_has 'value="door1"' <"$LK_TMP/body" || lk_fail "alice's page has no door1"
out=$(lk_post --data-urlencode "pin=$PIN" --data-urlencode door=door1 "$URL/action")
lk_expect_eq "$out" "200 opened" "alice opens door1"
lk_log "no-certificate page: nothing else reachable"
