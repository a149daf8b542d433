#!/usr/bin/env bash
# replace_phone.sh - docs/operations.md "Replace a lost phone", its command block run word
# for word on the CA side of a synthetic site (this build's latchkey-certs first on PATH):
# the lost phone's certificate is refused at TLS once the CRL is in force, the new .p12
# opens the door with the same PIN, and the audit names the new certificate's serial.
# usage: replace_phone.sh SOURCE_DIR BUILD_DIR
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

mkdir -p "$LK_TMP/bin"
ln -s "$BUILD/certs-tool/latchkey-certs" "$LK_TMP/bin/"
export PATH="$LK_TMP/bin:$PATH"
lk_site_make --door "door1:Front door" --pin 246810
# Back-to-back opens (old phone, then new) are not "busy" for the device.
sed -i -e 's/^pulse_ms = .*/pulse_ms = 50/' -e '$a min_interval_ms = 0' "$SITE/device-door1.conf"
lk_site_start_broker
lk_site_start_device door1
lk_site_start_gateway
lk_site_wait_online door1
lk_expect_eq "$(lk_post -d "pin=$PIN" -d door=door1 "$URL/action")" "200 opened" "the old phone before"
cp "$PKI/issued/alice.crt" "$LK_TMP/lost.crt"
cp "$PKI/private/alice.key" "$LK_TMP/lost.key"
old_serial=$(openssl x509 -in "$LK_TMP/lost.crt" -noout -serial | cut -d= -f2)

block=$(lk_doc_block "$ROOT/docs/operations.md" replace-phone-commands)
[ -n "$block" ] || lk_fail "no replace-phone block in docs/operations.md"
reloads=$(lk_site_crl_reloads)
export LATCHKEY_PKI_DIR=$PKI LATCHKEY_CA_PASSPHRASE
LATCHKEY_CA_PASSPHRASE=$(cat "$SITE/ca.passphrase")
while IFS= read -r line; do
  lk_log "doc: $line"
  (cd "$LK_TMP" && eval "$line") >>"$LK_TMP/doc.out" 2>&1 || lk_fail "the doc's line failed: $line: $(tail -n 3 "$LK_TMP/doc.out")"
done <<<"$block"
lk_site_wait_crl_reload "$reloads"

lk_log "the lost phone is refused at TLS"
rc=0
curl -sS -o /dev/null --max-time 10 --cacert "$PKI/ca/ca.crt" --cert "$LK_TMP/lost.crt" --key "$LK_TMP/lost.key" \
  "$URL/" 2>/dev/null || rc=$?
[ "$rc" -ne 0 ] || lk_fail "the lost phone's certificate still gets an answer"
lk_has "client certificate refused: certificate revoked" <"$GATEWAY_LOG" || lk_fail "revocation not logged"

lk_log "the new phone (the exported .p12) opens with the same PIN"
pw=$(sed -n 's/^password: //p' "$LK_TMP/doc.out")
[ -n "$pw" ] || lk_fail "export printed no password: $(cat "$LK_TMP/doc.out")"
openssl pkcs12 -in "$LK_TMP/alice.p12" -passin "pass:$pw" -clcerts -nokeys -out "$LK_TMP/new.crt" 2>/dev/null ||
  lk_fail "the .p12 does not open with the printed password"
openssl pkcs12 -in "$LK_TMP/alice.p12" -passin "pass:$pw" -nocerts -nodes -out "$LK_TMP/new.key" 2>/dev/null
new_serial=$(openssl x509 -in "$LK_TMP/new.crt" -noout -serial | cut -d= -f2)
[ "$new_serial" != "$old_serial" ] || lk_fail "the new certificate has the old serial"
new_phone() { curl -sS --max-time 15 --cacert "$PKI/ca/ca.crt" --cert "$LK_TMP/new.crt" --key "$LK_TMP/new.key" "$@"; }
new_phone -o "$LK_TMP/page" "$URL/" || lk_fail "the new phone gets no page"
new_phone -o "$LK_TMP/result" -H "Origin: $URL" -d "csrf=$(lk_csrf_of "$LK_TMP/page")" -d "pin=$PIN" \
  -d door=door1 "$URL/action" || lk_fail "the new phone's tap failed"
lk_has 'data-result="opened"' <"$LK_TMP/result" || lk_fail "the new phone: $(cat "$LK_TMP/result")"
lk_has "user=alice door=door1 .*serial=$new_serial .*result=opened" <"$GATEWAY_LOG" || lk_fail "the audit line does not name the new serial"
lk_log "all replace-a-lost-phone checks passed"
