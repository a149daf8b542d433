#!/usr/bin/env bash
# byoca.sh - "Bring your own CA" (docs/certs.md) end to end: the doc's easy-rsa and plain
# openssl recipes run word for word (extracted from the doc), then the gateway takes their
# CAs and CRLs: a root -> intermediate -> phone chain with a CRL directory (both CRLs), user
# names from the e-mail SAN and from a normalised CN ("Alice Smith" -> alice.smith), a
# phone revoked by the intermediate's CRL and the whole intermediate by the root's, both
# hot-reloaded; a CA whose CRL is missing refuses what it issued; several client CAs at
# once (easy-rsa's and the openssl root), a CRL file plus a CRL directory; the CA names of
# client_ca in the CertificateRequest of TLS 1.2 and TLS 1.3 (openssl s_client).
# usage: byoca.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is for the site helpers sourced below
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"
command -v make-cadir >/dev/null || lk_fail "missing tool: make-cadir (scripts/install-deps.sh installs easy-rsa)"
DOC="$ROOT/docs/certs.md"

# recipe NAME: runs the sh block after "<!-- recipe:NAME -->" in docs/certs.md, in $WORK.
recipe() {
  local script="$LK_TMP/recipe-$1.sh"
  awk -v m="<!-- recipe:$1 -->" '$0 == m {f = 1; next} f && /^```sh$/ {p = 1; next}
    p && /^```$/ {exit} p {print}' "$DOC" >"$script"
  [ -s "$script" ] || lk_fail "no recipe $1 in docs/certs.md"
  (cd "$WORK" && bash -euo pipefail "$script") >"$LK_TMP/recipe-$1.log" 2>&1 ||
    lk_fail "recipe $1 failed: $(tail -5 "$LK_TMP/recipe-$1.log")"
}
WORK="$LK_TMP/work"
mkdir -p "$WORK"
lk_log "the doc's recipes: easy-rsa, plain openssl (root, intermediate, two phones)"
recipe easy-rsa
recipe openssl
E="$WORK/household-ca/pki" O="$WORK/byo-ca"

lk_site_make --pin 123456
# gateway_with CLIENT_CA CRL USER_NAME_FROM: the site's gateway (no broker) on another CA.
gateway_with() {
  [ -z "${GW_PID:-}" ] || lk_stop "$GW_PID"
  sed -i -e "s|^client_ca = .*|client_ca = $1|" -e "s|^crl = .*|crl = $2|" \
    -e '/^user_name_from = /d' "$CONF"
  sed -i "s|^crl = .*|&\nuser_name_from = $3|" "$CONF"
  lk_site_start_gateway --no-mqtt
}
# phone CERT KEY [PATH]: the HTTP status of a GET with that certificate ("curl-failed" if
# the handshake or the request fails).
phone() {
  local code
  code=$(curl -sS -o "$LK_TMP/body" -w '%{http_code}' --max-time $(( 15 * LK_SLOW )) \
    --cacert "$PKI/ca/ca.crt" --cert "$1" --key "$2" "$URL${3:-/}" 2>/dev/null) || code=curl-failed
  echo "$code"
}
status_is() { [ "$(phone "$1" "$2")" = "$3" ]; }
for u in alice.smith bob@example.org carol@example.org bob.jones; do
  echo 112233 | lk_site_gw user add "$u" >/dev/null
done

lk_log "openssl chain: client_ca root+intermediate, crl = the directory, user_name_from = san-email"
gateway_with "$O/client-ca.pem" "$O/crls" san-email
lk_expect_eq "$(phone "$O/bob.crt" "$O/bob.key")" 200 "bob (intermediate's phone)"
grep -q 'bob@example.org' "$LK_TMP/body" || lk_fail "bob's page does not name bob@example.org"
lk_expect_eq "$(phone "$O/carol.crt" "$O/carol.key")" 200 "carol"
lk_expect_eq "$(phone "$E/issued/alice.crt" "$E/private/alice.key")" curl-failed \
  "alice (easy-rsa's CA, not in client_ca)"

lk_log "the root's CRL taken out of the directory: the intermediate is unchecked, its phones refused"
mv "$O/crls/root.pem" "$WORK/root-crl.pem"
lk_wait_for $(( 5 * LK_SLOW )) "bob refused without the root's CRL" \
  status_is "$O/bob.crt" "$O/bob.key" curl-failed
grep -q "tls: client certificate refused: unable to get certificate CRL" "$GATEWAY_LOG" ||
  lk_fail "no CRL refusal logged"
mv "$WORK/root-crl.pem" "$O/crls/root.pem"
lk_wait_for $(( 5 * LK_SLOW )) "bob back with the root's CRL" status_is "$O/bob.crt" "$O/bob.key" 200

lk_log "carol revoked by the intermediate (recipe openssl-revoke-phone), hot-reloaded"
recipe openssl-revoke-phone
lk_wait_for $(( 5 * LK_SLOW )) "carol refused" status_is "$O/carol.crt" "$O/carol.key" curl-failed
lk_expect_eq "$(phone "$O/bob.crt" "$O/bob.key")" 200 "bob after carol's revocation"

lk_log "the intermediate revoked by the root (recipe openssl-revoke-intermediate)"
recipe openssl-revoke-intermediate
lk_wait_for $(( 5 * LK_SLOW )) "bob refused with his intermediate revoked" \
  status_is "$O/bob.crt" "$O/bob.key" curl-failed
grep -q "tls: client certificate refused: certificate revoked" "$GATEWAY_LOG" ||
  lk_fail "the intermediate's revocation not logged"

lk_log "several client CAs: easy-rsa's CA and the openssl root; a CRL file and a CRL directory"
cat "$E/ca.crt" "$O/client-ca.pem" >"$WORK/client-ca.pem"
gateway_with "$WORK/client-ca.pem" "$E/crl.pem, $O/crls" cn-normalised
lk_expect_eq "$(phone "$E/issued/alice.crt" "$E/private/alice.key")" 200 "Alice Smith (easy-rsa, RSA)"
grep -q 'alice.smith' "$LK_TMP/body" || lk_fail "Alice Smith's page does not name alice.smith"
lk_expect_eq "$(phone "$O/bob.crt" "$O/bob.key")" curl-failed "bob (intermediate still revoked)"
[ "$(find "$SITE" -maxdepth 1 -name 'gateway.db.crl-number.*' | wc -l)" -eq 3 ] ||
  lk_fail "not one CRL number state file per CA: $(ls "$SITE")"

lk_log "the CA names of client_ca in the CertificateRequest, TLS 1.2 and 1.3"
for v in -tls1_2 -tls1_3; do
  out=$(openssl s_client "$v" -connect "127.0.0.1:$GATEWAY_PORT" -servername localhost \
    -CAfile "$PKI/ca/ca.crt" </dev/null 2>&1 || true)
  lk_has -F "Acceptable client certificate CA names" <<<"$out" || lk_fail "$v: no CA names sent"
  for n in "CN = Household CA" "O = Household, CN = Household Root CA" \
    "O = Household, CN = Household Phones CA"; do
    lk_has -Fx "$n" <<<"$out" || lk_fail "$v: CA name '$n' not sent: $out"
  done
done

lk_log "Alice Smith revoked with easy-rsa (recipe easy-rsa-revoke), hot-reloaded"
recipe easy-rsa-revoke
lk_wait_for $(( 5 * LK_SLOW )) "alice refused" \
  status_is "$E/issued/alice.crt" "$E/private/alice.key" curl-failed
lk_log "bring your own CA: ok"
