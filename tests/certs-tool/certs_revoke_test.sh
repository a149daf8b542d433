# certs_revoke_test.sh - revocation and the life of certificates: revoke (by name and by
# serial, reasons, refusals), crl (checked with `openssl crl -verify` and
# `openssl verify -crl_check`: revoked refused, others accepted; CRL number monotonic),
# list / show (EXPIRING, statuses, --json), renew (new serial, same subject/SAN, same or new
# key, old one superseded), inventories of the first format, and refusals that must leave
# the PKI untouched (wrong passphrase, unknown serial).
# Usage: bash certs_revoke_test.sh /path/to/latchkey-certs
# shellcheck shell=bash
# shellcheck disable=SC2154 # the S_<name> serials are made by declare in a loop
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/ca_test_helpers.sh"

CERTS=${1:?usage: certs_revoke_test.sh /path/to/latchkey-certs}
ca_test_setup 'revoke test passphrase'
CRL=$PKI/crl.pem

for verb in sign revoke crl list show renew; do
  "$CERTS" "$verb" --help | lk_has "^Usage: latchkey-certs -d DIR $verb" || lk_fail "$verb --help"
  "$CERTS" --help | lk_has "latchkey-certs -d DIR $verb" || lk_fail "--help lacks $verb"
done
certs init --passphrase-file "$PASS" >/dev/null
for who in alice bob carol; do certs issue client "$who" --passphrase-file "$PASS" >/dev/null; done
certs issue client dave --days 10 --passphrase-file "$PASS" >/dev/null
certs issue device home/door1 --passphrase-file "$PASS" >/dev/null
certs issue server localhost --dns localhost --ip 127.0.0.1 --passphrase-file "$PASS" >/dev/null
openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout "$LK_TMP/phone.key" \
  -subj /CN=erin -out "$LK_TMP/phone.csr" 2>/dev/null
certs sign client "$LK_TMP/phone.csr" --passphrase-file "$PASS" >/dev/null
for f in alice bob carol dave home.door1 localhost erin; do
  declare "S_${f//./_}=$(serial_of "$PKI/issued/$f.crt")"
done

# ---------------------------------------------------------------- list / show
certs list >"$LK_TMP/list.out"
head -n1 "$LK_TMP/list.out" | lk_has -E '^SERIAL +PROFILE +SUBJECT +NOT AFTER +STATUS +DAYS LEFT$' || lk_fail "list header: $(head -n1 "$LK_TMP/list.out")"
lk_expect_eq "$(grep -c . "$LK_TMP/list.out")" 10 "list lines (header + CA + 7 + the CRL line)"
tail -n 1 "$LK_TMP/list.out" | lk_has -E "^CRL $PKI/crl.pem: " || lk_fail "list's last line is not the CRL's"
grep -qE "^$S_dave +client +dave +[0-9T:Z-]+ +valid +(9|10) +EXPIRING$" "$LK_TMP/list.out" || lk_fail "dave not flagged EXPIRING: $(cat "$LK_TMP/list.out")"
lk_expect_eq "$(grep -c EXPIRING "$LK_TMP/list.out")" 1 "EXPIRING lines"
grep -qE "^$S_alice +client +alice +[0-9T:Z-]+ +valid +(364|365)$" "$LK_TMP/list.out" || lk_fail "alice list line"
certs list --json >"$LK_TMP/list.json"
lk_expect_eq "$(jq length "$LK_TMP/list.json")" 8 "list --json entries"
lk_expect_eq "$(jq -r ".[] | select(.serial == \"$S_dave\") | [.status, .expiring, .subject_cn] | join(\",\")" "$LK_TMP/list.json")" \
  "valid,true,dave" "dave in --json"
lk_expect_eq "$(jq -r ".[] | select(.serial == \"$S_erin\") | .key_source" "$LK_TMP/list.json")" csr "erin key_source"

certs show localhost >"$LK_TMP/show.out"
grep -qx "serial:      $S_localhost" "$LK_TMP/show.out" || lk_fail "show serial: $(cat "$LK_TMP/show.out")"
grep -qx "certificate: $PKI/archive/$S_localhost.crt" "$LK_TMP/show.out" || lk_fail "show PEM path"
grep -qx "private key: $PKI/private/localhost.key" "$LK_TMP/show.out" || lk_fail "show key path"
grep -qx "SAN:         DNS:localhost, IP Address:127.0.0.1" "$LK_TMP/show.out" || lk_fail "show SAN"
cmp -s "$PKI/archive/$S_localhost.crt" "$PKI/issued/localhost.crt" || lk_fail "archive copy differs"
certs show "$(tr 'A-F' 'a-f' <<<"$S_erin")" >"$LK_TMP/show2.out" # by serial, any case
grep -q '^subject:     CN=erin$' "$LK_TMP/show2.out" && grep -q 'from a CSR, not held here' "$LK_TMP/show2.out" || lk_fail "show by serial"
! grep -q '^private key:' "$LK_TMP/show2.out" || lk_fail "show lists a key for a CSR certificate"
certs show home.door1 --json | jq -e ".serial == \"$S_home_door1\" and .subject_cn == \"home/door1\" and .key_type == \"ECDSA P-256\"" >/dev/null ||
  lk_fail "show --json"

# ---------------------------------------------------------------- revoke
before=$(snapshot "$PKI")
expect_fail "revoke unknown serial" "no certificate with serial or name '0123ABCD'" certs revoke 0123ABCD
expect_fail "revoke unknown name" "no certificate with serial or name 'nobody'" certs revoke nobody
expect_fail "show unknown" "no certificate with serial or name 'nobody'" certs show nobody
expect_fail "revoke with unknown reason" "unknown --reason 'lost'" certs revoke alice --reason lost
expect_fail "revoke the CA" "is the CA certificate itself" certs revoke "$(serial_of "$CA")"
expect_fail "revoke without argument" "revoke needs a serial or a name" certs revoke
expect_fail "revoke with --days" "does not apply to 'revoke'" certs revoke alice --days 3
expect_unchanged "refused revokes" "$before"

certs revoke bob --reason keyCompromise >"$LK_TMP/revoke.out"
grep -q "revoked client certificate CN=bob (serial $S_bob, reason keyCompromise)" "$LK_TMP/revoke.out" || lk_fail "revoke output: $(cat "$LK_TMP/revoke.out")"
certs revoke "$S_home_door1" --reason cessationOfOperation >/dev/null
certs revoke erin >/dev/null # default reason unspecified
lk_expect_eq "$(index_field "$S_bob" 6),$(index_field "$S_bob" 8)" "revoked,keyCompromise" "bob inventory"
[[ "$(index_field "$S_bob" 7)" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$ ]] || lk_fail "bob revoked_at: $(index_field "$S_bob" 7)"
lk_expect_eq "$(index_field "$S_erin" 8)" unspecified "erin reason"
lk_expect_eq "$(index_field "$S_alice" 6),$(index_field "$S_alice" 7),$(index_field "$S_alice" 8)" "valid,-,-" "alice untouched"
before=$(snapshot "$PKI")
expect_fail "revoke twice (name)" "is already revoked since .* \(keyCompromise\)" certs revoke bob
expect_fail "revoke twice (serial)" "already revoked" certs revoke "$S_home_door1"
expect_unchanged "refused second revokes" "$before"
grep -qE "^$S_bob +client +bob .* revoked +-$" <(certs list) || lk_fail "list does not show bob revoked"

# ---------------------------------------------------------------- crl
before=$(snapshot "$PKI")
expect_fail "crl with wrong passphrase" "wrong passphrase" certs crl --passphrase-file "$LK_TMP/wrong-pass"
expect_fail "crl without passphrase" "no CA passphrase" certs crl
expect_fail "crl outliving the CA" "outlive the CA" certs crl --days 36000 --passphrase-file "$PASS"
expect_unchanged "refused crls" "$before"
[ ! -e "$CRL" ] || lk_fail "refused crl wrote $CRL"

certs crl --passphrase-file "$PASS" >"$LK_TMP/crl.out" 2>&1
[ ! -s "$LK_TMP/crl.out" ] || lk_fail "crl is not quiet: $(cat "$LK_TMP/crl.out")"
lk_expect_eq "$(cat "$PKI/crlnumber")" 1 "crlnumber after the first crl"
openssl crl -in "$CRL" -noout -CAfile "$CA" -verify 2>&1 | lk_has 'verify OK' || lk_fail "openssl crl -verify"
crl_text=$(openssl crl -in "$CRL" -noout -text)
grep -q 'Version 2 (0x1)' <<<"$crl_text" || lk_fail "CRL is not v2"
expect_ext "$crl_text" "X509v3 CRL Number" "1"
expect_ext "$crl_text" "X509v3 Authority Key Identifier" "$(openssl x509 -in "$CA" -noout -ext subjectKeyIdentifier | tail -n1 | tr -d ' ')"
lk_expect_eq "$(grep -c 'Serial Number:' <<<"$crl_text")" 3 "revoked entries in the CRL"
for s in "$S_bob:Key Compromise" "$S_home_door1:Cessation Of Operation"; do
  grep -A4 "Serial Number: ${s%%:*}" <<<"$crl_text" | lk_has "${s#*:}" || lk_fail "CRL reason for ${s%%:*}: $crl_text"
done
# unspecified: RFC 5280 says leave the reason code out
! grep -A2 "Serial Number: $S_erin" <<<"$crl_text" | lk_has 'CRL entry extensions' || lk_fail "erin has a reason code extension"
next=$(openssl crl -in "$CRL" -noout -nextupdate | cut -d= -f2)
last=$(openssl crl -in "$CRL" -noout -lastupdate | cut -d= -f2)
lk_expect_eq "$(( ($(date -u -d "$next" +%s) - $(date -u -d "$last" +%s)) / 86400 ))" 30 "default CRL validity (days, fits an offline CA)"

for who in bob home.door1; do
  if openssl verify -crl_check -CRLfile "$CRL" -CAfile "$CA" "$PKI/issued/$who.crt" >"$LK_TMP/v.out" 2>&1; then
    lk_fail "$who verifies although revoked"
  fi
  grep -q 'certificate revoked' "$LK_TMP/v.out" || lk_fail "$who: $(cat "$LK_TMP/v.out")"
done
for who in alice carol dave localhost; do
  openssl verify -crl_check -CRLfile "$CRL" -CAfile "$CA" "$PKI/issued/$who.crt" >/dev/null || lk_fail "$who refused by the CRL check"
done

# re-issue: number goes up, -v reports, --out and --days
certs crl --passphrase-file "$PASS" -v --days 2 >"$LK_TMP/crl2.out"
grep -q "wrote $CRL: CRL number 2, 3 revoked, next update in 2 days" "$LK_TMP/crl2.out" || lk_fail "crl -v: $(cat "$LK_TMP/crl2.out")"
expect_ext "$(openssl crl -in "$CRL" -noout -text)" "X509v3 CRL Number" "2"
LATCHKEY_CA_PASSPHRASE=$(head -n1 "$PASS") "$CERTS" -d "$PKI" crl --out "$LK_TMP/pub/crl.pem" </dev/null 2>/dev/null &&
  lk_fail "crl --out into a missing directory succeeded"
lk_expect_eq "$(cat "$PKI/crlnumber")" 2 "crlnumber after a failed crl"
mkdir "$LK_TMP/pub"
LATCHKEY_CA_PASSPHRASE=$(head -n1 "$PASS") "$CERTS" -d "$PKI" crl --out "$LK_TMP/pub/crl.pem" </dev/null
expect_ext "$(openssl crl -in "$LK_TMP/pub/crl.pem" -noout -text)" "X509v3 CRL Number" "3"
openssl crl -in "$LK_TMP/pub/crl.pem" -noout -CAfile "$CA" -verify 2>&1 | lk_has 'verify OK' || lk_fail "--out CRL verify"
printf 'garbage\n' >"$PKI/crlnumber"
before=$(snapshot "$PKI")
expect_fail "damaged crlnumber" "does not hold a CRL number" certs crl --passphrase-file "$PASS"
expect_unchanged "crl with a damaged crlnumber" "$before"
printf '3\n' >"$PKI/crlnumber"

# ---------------------------------------------------------------- renew
old_pub=$(pubkey_of "$PKI/issued/alice.crt")
certs renew alice --passphrase-file "$PASS" >"$LK_TMP/renew.out"
grep -q 'renewed client certificate CN=alice: serial .* (same key); the previous one is superseded' "$LK_TMP/renew.out" || lk_fail "renew output: $(cat "$LK_TMP/renew.out")"
S_alice2=$(serial_of "$PKI/issued/alice.crt")
[ "$S_alice2" != "$S_alice" ] || lk_fail "renew kept the serial"
openssl x509 -in "$PKI/issued/alice.crt" -noout -subject | lk_has -x 'subject=CN = alice' || lk_fail "renewed subject"
[ "$(pubkey_of "$PKI/issued/alice.crt")" = "$old_pub" ] || lk_fail "renew without --new-key changed the key"
[ "$(openssl pkey -in "$PKI/private/alice.key" -pubout)" = "$old_pub" ] || lk_fail "alice.key changed"
openssl verify -x509_strict -CAfile "$CA" -purpose sslclient "$PKI/issued/alice.crt" >/dev/null || lk_fail "renewed alice verify"
lk_expect_eq "$(index_field "$S_alice" 6)" superseded "old alice status"
lk_expect_eq "$(index_field "$S_alice2" 6),$(index_field "$S_alice2" 2),$(index_field "$S_alice2" 3)" "valid,client,alice" "new alice line"
lk_expect_eq "$(serial_of "$PKI/archive/$S_alice.crt")" "$S_alice" "old alice kept in archive/"
# the superseded certificate is not revoked: it still passes the CRL check until it expires
openssl verify -crl_check -CRLfile "$CRL" -CAfile "$CA" "$PKI/archive/$S_alice.crt" >/dev/null || lk_fail "superseded refused by the CRL"
grep -qE "^$S_alice +client +alice .* superseded +-$" <(certs list) || lk_fail "list superseded"

certs renew dave --new-key --days 90 --passphrase-file "$PASS" >/dev/null
S_dave2=$(serial_of "$PKI/issued/dave.crt")
[ "$(pubkey_of "$PKI/issued/dave.crt")" != "$(pubkey_of "$PKI/archive/$S_dave.crt")" ] || lk_fail "--new-key kept the key"
[ "$(openssl pkey -in "$PKI/private/dave.key" -pubout)" = "$(pubkey_of "$PKI/issued/dave.crt")" ] || lk_fail "new dave.key does not match"
[ "$(stat -c %a "$PKI/private/dave.key")" = 600 ] || lk_fail "dave.key mode"
openssl x509 -in "$PKI/issued/dave.crt" -noout -checkend $((89 * 86400)) >/dev/null || lk_fail "renew --days 90"
! certs list | lk_has "^$S_dave2 .*EXPIRING" || lk_fail "renewed dave still EXPIRING"

certs renew localhost --passphrase-file "$PASS" >/dev/null
expect_ext "$(openssl x509 -in "$PKI/issued/localhost.crt" -noout -text)" "X509v3 Subject Alternative Name" \
  "DNS:localhost, IP Address:127.0.0.1"
openssl verify -x509_strict -CAfile "$CA" -purpose sslserver "$PKI/issued/localhost.crt" >/dev/null || lk_fail "renewed server verify"

# a CSR certificate renews with its public key; --new-key is refused
openssl req -new -nodes -newkey ed25519 -keyout "$LK_TMP/f.key" -subj /CN=frank -out "$LK_TMP/f.csr" 2>/dev/null
certs sign client "$LK_TMP/f.csr" --passphrase-file "$PASS" >/dev/null
S_frank=$(serial_of "$PKI/issued/frank.crt")
before=$(snapshot "$PKI")
expect_fail "renew --new-key of a CSR certificate" "signed from a CSR" certs renew frank --new-key --passphrase-file "$PASS"
expect_fail "renew a revoked name" "CN=bob has no current certificate .* is revoked" certs renew bob --passphrase-file "$PASS"
expect_fail "renew unknown" "no certificate named 'zoe'" certs renew zoe --passphrase-file "$PASS"
expect_fail "renew the CA" "is the CA" certs renew "Latchkey Latchkey CA" --passphrase-file "$PASS"
expect_fail "renew with wrong passphrase" "wrong passphrase" certs renew carol --passphrase-file "$LK_TMP/wrong-pass"
expect_unchanged "refused renews" "$before"
certs renew frank --passphrase-file "$PASS" >/dev/null
[ "$(pubkey_of "$PKI/issued/frank.crt")" = "$(openssl pkey -in "$LK_TMP/f.key" -pubout)" ] || lk_fail "frank renewed with another key"
[ "$(serial_of "$PKI/issued/frank.crt")" != "$S_frank" ] || lk_fail "frank serial"
[ ! -e "$PKI/private/frank.key" ] || lk_fail "renew wrote a key for a CSR certificate"

# revoke the superseded alice by serial; the name now means the new one
certs revoke "$S_alice" --reason superseded >/dev/null
lk_expect_eq "$(index_field "$S_alice" 6),$(index_field "$S_alice" 8),$(index_field "$S_alice2" 6)" "revoked,superseded,valid" "alice after revoking the old serial"
certs crl --passphrase-file "$PASS" >/dev/null
openssl verify -crl_check -CRLfile "$CRL" -CAfile "$CA" "$PKI/archive/$S_alice.crt" >/dev/null 2>&1 && lk_fail "old alice verifies after revocation"
openssl verify -crl_check -CRLfile "$CRL" -CAfile "$CA" "$PKI/issued/alice.crt" >/dev/null || lk_fail "new alice refused"
# a revoked name can be issued again
certs issue client bob --passphrase-file "$PASS" >/dev/null
openssl verify -crl_check -CRLfile "$CRL" -CAfile "$CA" "$PKI/issued/bob.crt" >/dev/null || lk_fail "re-issued bob refused"

if find "$PKI" "$LK_TMP" -name '*.tmp.*' | lk_has .; then lk_fail "temporary files left behind"; fi

# ---------------------------------------------------------------- inventory of the first format
OLD=$LK_TMP/oldpki
cp -a "$PKI" "$OLD"
{ printf '# serial\tprofile\tsubject_cn\tnot_before\tnot_after\tstatus\n'
  grep -v '^#' "$PKI/index.tsv" | awk -F'\t' '$6 == "valid"' | cut -f1-6; } >"$OLD/index.tsv"
rm -rf "$OLD/archive"
n_old=$(grep -vc '^#' "$OLD/index.tsv")
lk_expect_eq "$("$CERTS" -d "$OLD" list | grep -c ' valid ')" "$n_old" "list of a first-format inventory"
"$CERTS" -d "$OLD" show carol | lk_has -x "certificate: $OLD/issued/carol.crt" || lk_fail "show without archive/"
"$CERTS" -d "$OLD" revoke carol --reason affiliationChanged >/dev/null
head -n1 "$OLD/index.tsv" | lk_has 'revoked_at	reason	key_source$' || lk_fail "rewritten inventory header"
lk_expect_eq "$(grep -vc '^#' "$OLD/index.tsv")" "$n_old" "entries after rewrite"
[ "$(awk -F'\t' '!/^#/ && NF != 9' "$OLD/index.tsv" | wc -l)" -eq 0 ] || lk_fail "rewritten lines are not 9 columns"
grep -qP "^$S_carol\tclient\tcarol\t.*\trevoked\t[0-9T:Z-]+\taffiliationChanged\tgenerated$" "$OLD/index.tsv" || lk_fail "old carol line"
"$CERTS" -d "$OLD" crl --passphrase-file "$PASS" </dev/null
openssl verify -crl_check -CRLfile "$OLD/crl.pem" -CAfile "$OLD/ca/ca.crt" "$OLD/issued/carol.crt" >/dev/null 2>&1 && lk_fail "carol not revoked in the old PKI"
printf 'garbage line\n' >>"$OLD/index.tsv"
before=$(PKI=$OLD; snapshot "$OLD")
expect_fail "malformed inventory" "index.tsv line [0-9]+ is malformed" "$CERTS" -d "$OLD" revoke alice
[ "$(snapshot "$OLD")" = "$before" ] || lk_fail "malformed inventory changed"

lk_log "certs_revoke: all checks passed"
