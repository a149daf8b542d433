#!/usr/bin/env bash
# certs_scep_test.sh - "latchkey-certs scep" against clients nobody here wrote: Debian's
# scepclient (micromdm) enrolls with the one-time challenge and its own key, and the
# certificate it gets opens the door through the real gateway, broker and simulated device.
# Refused with a clear line in the operator's output: a wrong, missing or reused challenge,
# a CSR for another name, a 1024-bit key, an expired invitation; hand-made requests (curl,
# openssl cms) get clear HTTP errors. The profile served by the one-time link is checked with
# plistlib (scep_profile_check.py) and the CA/RA list with openssl.
# usage: certs_scep_test.sh SOURCE_DIR BUILD_DIR
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"
for t in scepclient openssl curl python3; do
  command -v "$t" >/dev/null || lk_fail "missing tool: $t (scripts/install-deps.sh installs it)"
done

lk_site_make --door "door1:Front door" --pin 246810 --ack-timeout-ms 2000
export LATCHKEY_CA_PASSPHRASE
LATCHKEY_CA_PASSPHRASE=$(cat "$SITE/ca.passphrase")
CERTS="$BUILD/certs-tool/latchkey-certs"
printf '1357\n' | lk_site_gw user add carol --doors door1 >/dev/null

# scep_start NAME USER SECS: the verb on free loopback ports (log NAME.log); sets SCEP_PID,
# LINK, CHALLENGE, SURL (the SCEP URL), RA_FP and EXPIRES (epoch seconds).
scep_start() {
  local log="$LK_TMP/$1.log" lport sport
  lk_free_port lport
  lk_free_port sport
  lk_start "$1" "$CERTS" -d "$PKI" scep "$2" --listen "127.0.0.1:$lport" --scep-listen "127.0.0.1:$sport" \
    --server-name localhost --seconds "$3" --attempts 8 --legacy
  SCEP_PID=$LK_LAST_PID
  lk_wait_port "$sport" $(( 20 * LK_SLOW )) "$SCEP_PID"
  lk_wait_for $(( 10 * LK_SLOW )) "the invitation printed" grep -q '^invitation valid until' "$log"
  LINK=$(sed -n 's/^link: //p' "$log")
  CHALLENGE=$(sed -n 's/^challenge: //p' "$log")
  RA_FP=$(sed -n 's/^ra fingerprint (sha-256): //p' "$log")
  EXPIRES=$(date -d "$(sed -n 's/^invitation valid until //p' "$log")" +%s)
  SURL="http://127.0.0.1:$sport/scep"
  sed -n 's/^scep url: //p' "$log" | lk_has -x "http://localhost:$sport/scep" || lk_fail "scep url: $(cat "$log")"
}
# client NAME ARGS...: scepclient with a fresh key in $LK_TMP/NAME; output in NAME.out.
client() {
  local d="$LK_TMP/$1"; shift
  mkdir -p "$d"
  timeout $(( 30 * LK_SLOW )) scepclient -server-url "$SURL" -private-key "$d/key.pem" \
    -ca-fingerprint "$RA_FP" "$@" >"$d.out" 2>&1
}
# refused NAME WHY ARGS...: the client fails and the operator's log says WHY.
refused() {
  local name=$1 why=$2; shift 2
  if client "$name" "$@"; then lk_fail "$name: scepclient got a certificate"; fi
  lk_has -i "failInfo" <"$LK_TMP/$name.out" || lk_fail "$name: no SCEP failure: $(cat "$LK_TMP/$name.out")"
  lk_has "refused PKCSReq .*$why" <"$LK_TMP/scep.log" || lk_fail "$name: log lacks '$why': $(cat "$LK_TMP/scep.log")"
  [ ! -e "$LK_TMP/$name/client.pem" ] || lk_fail "$name: a certificate was written"
  lk_log "ok: refused ($name): $why"
}

lk_log "carol's invitation: profile link, CA/RA list, capabilities"
scep_start scep carol 120
[ "${#CHALLENGE}" -ge 22 ] || lk_fail "challenge too short: '$CHALLENGE'"
code=$(curl -sS --cacert "$PKI/ca/ca.crt" -o "$LK_TMP/p.mobileconfig" -w '%{http_code} %{content_type}' "$LINK")
lk_expect_eq "$code" "200 application/x-apple-aspen-config" "profile download"
openssl x509 -in "$PKI/ca/ca.crt" -outform DER -out "$LK_TMP/ca.der"
python3 "$ROOT/tests/certs-tool/scep_profile_check.py" "$LK_TMP/p.mobileconfig" "$LK_TMP/ca.der" carol \
  "$CHALLENGE" "$(sed -n 's/^scep url: //p' "$LK_TMP/scep.log")" >/dev/null || lk_fail "profile check"
again=$(curl -sS --cacert "$PKI/ca/ca.crt" -o /dev/null -w '%{http_code}' "$LINK")
lk_expect_eq "$again" 410 "profile link used twice"
lk_log "ok: the profile (CA + SCEP payload) once, then 410"

caps=$(curl -sS "$SURL?operation=GetCACaps")
for c in POSTPKIOperation SHA-256 AES; do lk_has -x "$c" <<<"$caps" || lk_fail "GetCACaps lacks $c: $caps"; done
ctype=$(curl -sS -o "$LK_TMP/cacert.der" -w '%{content_type}' "$SURL?operation=GetCACert")
lk_expect_eq "$ctype" "application/x-x509-ca-ra-cert" "GetCACert type"
openssl pkcs7 -inform DER -in "$LK_TMP/cacert.der" -print_certs -out "$LK_TMP/carachain.pem"
awk '/BEGIN/{n++} n==2' "$LK_TMP/carachain.pem" >"$LK_TMP/ra.pem"
lk_expect_eq "$(openssl x509 -in "$LK_TMP/ra.pem" -outform DER | sha256sum | cut -d' ' -f1)" "$RA_FP" "RA fingerprint"
openssl verify -CAfile "$PKI/ca/ca.crt" "$LK_TMP/ra.pem" >/dev/null || lk_fail "the RA certificate is not the CA's"
if openssl verify -CAfile "$PKI/ca/ca.crt" -purpose sslclient "$LK_TMP/ra.pem" >/dev/null 2>&1; then
  lk_fail "the RA certificate would pass as a TLS client"
fi
lk_log "ok: GetCACaps, GetCACert (CA + RA signed by it, not a TLS client)"

lk_log "hand-made requests: clear HTTP errors"
code=$(curl -sS -o "$LK_TMP/h.body" -w '%{http_code}' --data-binary 'not cms' \
  -H 'Content-Type: application/x-pki-message' "$SURL?operation=PKIOperation")
lk_expect_eq "$code" 400 "garbage PKIOperation"
lk_has "not a usable SCEP message" <"$LK_TMP/h.body" || lk_fail "garbage: $(cat "$LK_TMP/h.body")"
lk_has "not a SCEP pkiMessage" <"$LK_TMP/scep.log" || lk_fail "garbage not reported"
openssl req -new -newkey rsa:2048 -nodes -keyout "$LK_TMP/h.key" -subj /CN=carol -x509 -days 1 \
  -out "$LK_TMP/h.crt" 2>/dev/null
printf 'hello' | openssl cms -sign -signer "$LK_TMP/h.crt" -inkey "$LK_TMP/h.key" -binary -nodetach \
  -outform DER -out "$LK_TMP/h.cms"
code=$(curl -sS -o /dev/null -w '%{http_code}' --data-binary "@$LK_TMP/h.cms" "$SURL?operation=PKIOperation")
lk_expect_eq "$code" 400 "CMS without SCEP attributes"
lk_has "no usable transactionID" <"$LK_TMP/scep.log" || lk_fail "CMS without SCEP attributes not reported"
lk_expect_eq "$(curl -sS -o /dev/null -w '%{http_code}' "$SURL?operation=PKIOperation&message=x")" 405 "GET PKIOperation"
lk_expect_eq "$(curl -sS -o /dev/null -w '%{http_code}' "$SURL?operation=Nope")" 400 "unknown operation"
lk_expect_eq "$(curl -sS -o /dev/null -w '%{http_code}' "http://${SURL#http://}x")" 404 "other path"
lk_log "ok: garbage, unsigned-attribute CMS, GET PKIOperation, unknown operation, other path"

lk_log "refusals by scepclient"
refused wrong-challenge "wrong challenge password" -cn carol -challenge "x$CHALLENGE"
refused no-challenge "carries no challenge password" -cn carol
refused other-name "is for CN=bob but the invitation is for CN=carol" -cn bob -challenge "$CHALLENGE"
refused weak-key "RSA key has 1024 bits; at least 2048" -cn carol -keySize 1024 -challenge "$CHALLENGE"
if lk_site_certs list | grep -q ' carol '; then lk_fail "a refusal issued a certificate"; fi

lk_log "carol enrolls with scepclient"
client ok -cn carol -challenge "$CHALLENGE" || lk_fail "scepclient: $(cat "$LK_TMP/ok.out")"
openssl verify -CAfile "$PKI/ca/ca.crt" -purpose sslclient "$LK_TMP/ok/client.pem" >/dev/null || lk_fail "verify"
openssl x509 -in "$LK_TMP/ok/client.pem" -noout -subject | lk_has -x 'subject=CN = carol' || lk_fail "subject"
cmp <(openssl x509 -in "$LK_TMP/ok/client.pem" -pubkey -noout) <(openssl pkey -in "$LK_TMP/ok/key.pem" -pubout) ||
  lk_fail "the certificate is not for the device's key"
cmp <(openssl x509 -in "$LK_TMP/ok/client.pem" -outform DER) <(openssl x509 -in "$PKI/issued/carol.crt" -outform DER) ||
  lk_fail "the issued copy differs"
grep -P '\tclient\tcarol\t.*\tvalid\t-\t-\tcsr$' "$PKI/index.tsv" >/dev/null || lk_fail "inventory: $(cat "$PKI/index.tsv")"
[ ! -e "$PKI/private/carol.key" ] || lk_fail "a key for carol is stored in the PKI"
lk_site_certs list --expiring 366 | lk_has -E '^[0-9A-F]+ +client +carol .* valid +36[45]  EXPIRING$' ||
  lk_fail "list --expiring 366 lacks carol: $(lk_site_certs list --expiring 366)"
if lk_site_certs list --expiring 300 | grep -q ' carol '; then lk_fail "list --expiring 300 names carol"; fi
refused reused "used already" -cn carol -challenge "$CHALLENGE"
scep_done() { ! kill -0 "$SCEP_PID" 2>/dev/null; }
lk_wait_for $(( 40 * LK_SLOW )) "the endpoint closes after the certificate" scep_done
wait "$SCEP_PID" || lk_fail "scep exited non-zero after issuing"
lk_has "endpoint closed (certificate issued)" <"$LK_TMP/scep.log" || lk_fail "close line"
lk_log "ok: enrolled; inventory key_source csr; no key here; reuse refused; endpoint closed"

lk_log "the gateway accepts carol's device-made certificate: a real tap opens the door"
# the renewal notice: with a window wider than the certificate's year, carol's page says it
sed -i 's/^\[server\]$/[server]\ncert_renew_warn_days = 365/' "$CONF"
lk_site_start_broker
lk_site_start_device door1
lk_site_start_gateway
lk_site_wait_online door1
carol() {
  curl -sS -o "$LK_TMP/body" -w '%{http_code}' --max-time $(( 15 * LK_SLOW )) --cacert "$PKI/ca/ca.crt" \
    --cert "$LK_TMP/ok/client.pem" --key "$LK_TMP/ok/key.pem" "$@"
}
lk_expect_eq "$(carol "$URL/")" 200 "carol's page"
grep -q '<p class="renew" data-cert-days-left="36[45]">This phone.s certificate ends in 36[45] days. Ask your administrator for a new invitation' \
  "$LK_TMP/body" || lk_fail "no renewal notice on carol's page: $(grep -i renew "$LK_TMP/body")"
hidden=$(grep -o '<input type="hidden" name="[a-z_]*" value="[^"]*"' "$LK_TMP/body" |
  sed -n '1s/.*name="\([a-z_]*\)" value="\([^"]*\)"/\1=\2/p')
code=$(carol -H "Origin: $URL" -H "Sec-Fetch-Site: same-origin" --data-urlencode pin=1357 \
  --data-urlencode door=door1 --data-urlencode "$hidden" "$URL/action")
result=$(sed -n 's/.*data-result="\([a-z-]*\)".*/\1/p;T;q' "$LK_TMP/body")
lk_expect_eq "$code $result" "200 opened" "carol's tap"
relay_on() { [ "$(lk_relay_count door1 on)" -ge 1 ]; }
lk_wait_for $(( 5 * LK_SLOW )) "the relay pulses" relay_on
lk_log "ok: opened with a key that never left the client; the page tells when it ends"

lk_log "renewing a device-made key as docs/certs.md says: revoke, a new invitation, crl"
lk_site_certs revoke carol --reason superseded >/dev/null
mv "$LK_TMP/scep.log" "$LK_TMP/scep-carol.log"
scep_start scep carol 120
client renewed -cn carol -challenge "$CHALLENGE" || lk_fail "renewal: $(cat "$LK_TMP/renewed.out")"
lk_wait_for $(( 40 * LK_SLOW )) "the endpoint closes after the certificate" scep_done
wait "$SCEP_PID" || lk_fail "scep exited non-zero after the renewal"
reloads=$(lk_site_crl_reloads)
lk_site_certs crl --out "$PKI/crl.pem" >/dev/null
lk_site_wait_crl_reload "$reloads"
old=$(carol "$URL/") || true
[ "$old" != 200 ] || lk_fail "the superseded-and-revoked certificate still gets the page"
new=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$PKI/ca/ca.crt" --cert "$LK_TMP/renewed/client.pem" \
  --key "$LK_TMP/renewed/key.pem" "$URL/")
lk_expect_eq "$new" 200 "the renewed certificate's page"
lk_log "ok: renewed: the old certificate refused after the CRL, the new one works"

lk_log "an expired invitation is refused with a clear reason"
printf '2468\n' | lk_site_gw user add dave --doors door1 >/dev/null
mv "$LK_TMP/scep.log" "$LK_TMP/scep-carol2.log"
scep_start scep dave 1
expired() { [ "$(date +%s)" -ge "$EXPIRES" ]; }
lk_wait_for $(( 5 * LK_SLOW )) "the invitation's end" expired
refused late "the invitation for dave has expired" -cn dave -challenge "$CHALLENGE"
lk_wait_for $(( 30 * LK_SLOW )) "the endpoint closes" scep_done
if wait "$SCEP_PID"; then lk_fail "scep exited 0 without a certificate"; fi
lk_has "the invitation expired; no certificate was issued" <"$LK_TMP/scep.log" || lk_fail "expiry line"
if grep -q ' dave ' <(lk_site_certs list); then lk_fail "dave got a certificate"; fi
lk_log "certs_scep: all checks passed"
