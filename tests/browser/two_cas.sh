#!/usr/bin/env bash
# two_cas.sh - the phone a household trusts, in a real browser: one NSS db (Chromium's, in
# its own HOME) holds two identities from two CAs: alice from the site's CA and
# bob@example.org from the "Bring your own CA" openssl recipe (root -> intermediate,
# docs/certs.md). The gateway runs twice, once trusting each CA; each time Chromium must
# pick the certificate that CA issued (it filters by the CA names of the CertificateRequest)
# and get the page as that user. Then, with no_certificate_page set, a browser without any
# certificate gets that page. Runs two_cas.mjs; screenshots in <build>/tests/browser/artifacts.
# usage: two_cas.sh SOURCE_DIR BUILD_DIR
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

. "$ROOT/tests/browser/setup.sh"

lk_site_make --pin 135790
# The second CA: the doc's openssl recipe, word for word.
mkdir -p "$LK_TMP/work"
awk '$0 == "<!-- recipe:openssl -->" {f = 1; next} f && /^```sh$/ {p = 1; next}
  p && /^```$/ {exit} p {print}' "$ROOT/docs/certs.md" >"$LK_TMP/recipe.sh"
(cd "$LK_TMP/work" && bash -euo pipefail "$LK_TMP/recipe.sh") >"$LK_TMP/recipe.log" 2>&1 ||
  lk_fail "the openssl recipe failed: $(tail -5 "$LK_TMP/recipe.log")"
O="$LK_TMP/work/byo-ca"
openssl pkcs12 -export -legacy -in "$O/bob.crt" -inkey "$O/bob.key" -certfile "$O/intermediate/cert.pem" \
  -passout pass:bob -out "$LK_TMP/bob.p12"
echo 112233 | lk_site_gw user add bob@example.org >/dev/null

for h in two-ids no-id; do
  mkdir -p "$LK_TMP/$h/.pki/nssdb"
  certutil -N -d "sql:$LK_TMP/$h/.pki/nssdb" --empty-password
  certutil -A -d "sql:$LK_TMP/$h/.pki/nssdb" -n "Latchkey demo CA" -t "C,," -i "$PKI/ca/ca.crt"
done
pk12util -i "$SITE/alice.p12" -d "sql:$LK_TMP/two-ids/.pki/nssdb" -w "$SITE/alice.p12.password" >/dev/null ||
  lk_fail "pk12util: alice.p12"
pk12util -i "$LK_TMP/bob.p12" -d "sql:$LK_TMP/two-ids/.pki/nssdb" -W bob >/dev/null || lk_fail "pk12util: bob.p12"
[ "$(certutil -L -d "sql:$LK_TMP/two-ids/.pki/nssdb" | grep -c 'u,u,u')" -eq 2 ] ||
  lk_fail "not two identities in the NSS db: $(certutil -L -d "sql:$LK_TMP/two-ids/.pki/nssdb")"

SITE_CA=$(sed -n 's/^client_ca = //p' "$CONF") SITE_CRL=$(sed -n 's/^crl = //p' "$CONF")
# gateway_trusting CLIENT_CA CRL USER_NAME_FROM [no_certificate_page text]
gateway_trusting() {
  [ -z "${GW_PID:-}" ] || lk_stop "$GW_PID"
  sed -i -e "s|^client_ca = .*|client_ca = $1|" -e "s|^crl = .*|crl = $2|" \
    -e '/^user_name_from = /d' -e '/^no_certificate_page = /d' "$CONF"
  sed -i "s|^crl = .*|&\nuser_name_from = $3${4:+\\nno_certificate_page = $4}|" "$CONF"
  lk_site_start_gateway --no-mqtt
}
ARTIFACTS="$BUILD/tests/browser/artifacts-two-cas"
rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"
# run STEP USER HOME: one two_cas.mjs step against the gateway as it runs now.
run() {
  LK_URL="$URL" LK_STEP=$1 LK_EXPECT=$2 LK_HOME=$3 LK_ARTIFACTS="$ARTIFACTS" \
    timeout 120 node "$HERE/two_cas.mjs" || lk_fail "browser step $1 failed"
}

lk_log "the gateway trusts the site's CA: Chromium must send alice's certificate"
gateway_trusting "$SITE_CA" "$SITE_CRL" cn
run site-ca alice "$LK_TMP/two-ids"
lk_log "the gateway trusts the openssl root and intermediate: Chromium must send bob's"
gateway_trusting "$O/client-ca.pem" "$O/crls" san-email
run byo-ca bob@example.org "$LK_TMP/two-ids"
lk_log "no_certificate_page set, a browser without any certificate"
gateway_trusting "$SITE_CA" "$SITE_CRL" cn "the caretaker"
run no-cert "the caretaker" "$LK_TMP/no-id"
lk_log "two CAs in a browser: ok"
