# certs_cli_test.sh - integration test of latchkey-certs: drives every verb and checks the
# results with independent tools (openssl CLI for X.509/PKCS#12, NSS pk12util/certutil for
# the phone bundles), plus the error cases (nothing may change when a verb is refused).
# Usage: bash certs_cli_test.sh /path/to/latchkey-certs
# shellcheck shell=bash
source "$(dirname "$0")/../lib/testlib.sh"

CERTS=${1:?usage: certs_cli_test.sh /path/to/latchkey-certs}
[ -x "$CERTS" ] || lk_fail "not executable: $CERTS"
unset LATCHKEY_CA_PASSPHRASE LATCHKEY_PKI_DIR

PKI=$LK_TMP/pki
PASS=$LK_TMP/ca-pass
printf 'correct horse battery staple\n' >"$PASS"
printf 'wrong passphrase\n' >"$LK_TMP/wrong-pass"
: >"$LK_TMP/empty-pass"

# expect_fail DESC REGEX CMD...: CMD must fail with exactly one stderr line matching REGEX.
expect_fail() {
  local desc=$1 re=$2 rc=0; shift 2
  "$@" >"$LK_TMP/last.out" 2>"$LK_TMP/last.err" || rc=$?
  [ "$rc" -ne 0 ] || lk_fail "$desc: expected failure, got success"
  [ "$(wc -l <"$LK_TMP/last.err")" -eq 1 ] || lk_fail "$desc: expected one error line, got: $(cat "$LK_TMP/last.err")"
  grep -Eq -- "$re" "$LK_TMP/last.err" || lk_fail "$desc: error '$(cat "$LK_TMP/last.err")' does not match /$re/"
  lk_log "ok (refused): $desc: $(cat "$LK_TMP/last.err")"
}

# snapshot DIR: names and hashes of everything in DIR, to prove a refused verb changed nothing.
snapshot() {
  (cd "$1" && find . -print | LC_ALL=C sort && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}

mode_of() { stat -c %a "$1"; }
certs() { "$CERTS" -d "$PKI" "$@"; }

# x509_text FILE: the text dump used by the profile checks.
x509_text() { openssl x509 -in "$1" -noout -text; }

# expect_ext TEXT HEADER VALUE: the extension line HEADER is followed by a line containing VALUE.
expect_ext() {
  grep -A1 -F -- "$2" <<<"$1" | tail -n 1 | lk_has -F -- "$3" || lk_fail "expected '$2' followed by '$3' in: $1"
}

# ---------------------------------------------------------------- help and usage errors
"$CERTS" --help | lk_has 'latchkey-certs -d DIR init' || lk_fail "--help lacks init usage"
for verb in init issue export cmdkey; do
  "$CERTS" "$verb" --help | lk_has "^Usage: latchkey-certs -d DIR $verb" || lk_fail "$verb --help"
done
expect_fail "unknown verb" "unknown verb 'frobnicate'" "$CERTS" -d "$PKI" frobnicate
expect_fail "unknown option" "unknown option '--bogus'" "$CERTS" -d "$PKI" init --bogus
expect_fail "option for another verb" "--legacy does not apply to 'issue'" certs issue client x --legacy
expect_fail "no PKI dir" "no PKI directory" "$CERTS" cmdkey

# ---------------------------------------------------------------- before init
expect_fail "issue before init" "run 'latchkey-certs -d .* init' first|does not exist.*init" \
  certs issue client alice --passphrase-file "$PASS"
mkdir -p "$PKI"
expect_fail "issue in an empty dir" "no CA \(ca/ca.crt missing\); run 'latchkey-certs -d .* init' first" \
  certs issue client alice --passphrase-file "$PASS"
expect_fail "export before init" "init' first" certs export alice --out "$LK_TMP/x.p12"
rmdir "$PKI"

# ---------------------------------------------------------------- init
expect_fail "init without passphrase" "no CA passphrase" certs init </dev/null
[ ! -e "$PKI" ] || lk_fail "refused init created $PKI"
expect_fail "init with empty passphrase file" "empty" certs init --passphrase-file "$LK_TMP/empty-pass"
expect_fail "init with empty passphrase env" "empty" env LATCHKEY_CA_PASSPHRASE= "$CERTS" -d "$PKI" init
expect_fail "init with a passphrase file that does not exist" "cannot open CA passphrase file" \
  certs init --passphrase-file "$LK_TMP/nope"
[ ! -e "$PKI/ca/ca.key" ] || lk_fail "refused init wrote a key"

certs init --passphrase-file "$PASS" >"$LK_TMP/init.out"
grep -q 'created CA "Latchkey Latchkey CA"' "$LK_TMP/init.out" || lk_fail "init output: $(cat "$LK_TMP/init.out")"
for f in ca/ca.crt ca/ca.key index.tsv; do [ -s "$PKI/$f" ] || lk_fail "init did not write $f"; done
lk_expect_eq "$(mode_of "$PKI/ca/ca.key")" 600 "mode of ca.key"
lk_expect_eq "$(mode_of "$PKI/private")" 700 "mode of private/"
head -n 1 "$PKI/ca/ca.key" | lk_has -x -- '-----BEGIN ENCRYPTED PRIVATE KEY-----' || lk_fail "ca.key is not encrypted PKCS#8"
openssl asn1parse -in "$PKI/ca/ca.key" | lk_has 'aes-256-cbc' || lk_fail "ca.key is not AES-256-CBC"
openssl pkey -in "$PKI/ca/ca.key" -passin "file:$PASS" -noout || lk_fail "ca.key does not open with the passphrase"
if openssl pkey -in "$PKI/ca/ca.key" -passin "file:$LK_TMP/wrong-pass" -noout 2>/dev/null; then
  lk_fail "ca.key opens with a wrong passphrase"
fi
openssl verify -x509_strict -CAfile "$PKI/ca/ca.crt" "$PKI/ca/ca.crt" >/dev/null || lk_fail "CA does not verify"
ca_text=$(x509_text "$PKI/ca/ca.crt")
grep -q 'Subject: CN = Latchkey Latchkey CA' <<<"$ca_text" || lk_fail "CA subject"
grep -q 'Issuer: CN = Latchkey Latchkey CA' <<<"$ca_text" || lk_fail "CA issuer"
grep -q 'ASN1 OID: prime256v1' <<<"$ca_text" || lk_fail "CA key is not P-256"
grep -q 'Signature Algorithm: ecdsa-with-SHA256' <<<"$ca_text" || lk_fail "CA signature is not ecdsa-with-SHA256"
expect_ext "$ca_text" "X509v3 Basic Constraints: critical" "CA:TRUE, pathlen:0"
expect_ext "$ca_text" "X509v3 Key Usage: critical" "Certificate Sign, CRL Sign"
grep -q 'X509v3 Subject Key Identifier' <<<"$ca_text" || lk_fail "CA has no SKI"
grep -q 'X509v3 Authority Key Identifier' <<<"$ca_text" || lk_fail "CA has no AKI"
openssl x509 -in "$PKI/ca/ca.crt" -noout -checkend $((3649 * 86400)) >/dev/null || lk_fail "CA valid < 3649 days"
if openssl x509 -in "$PKI/ca/ca.crt" -noout -checkend $((3651 * 86400)) >/dev/null; then lk_fail "CA valid > 3651 days"; fi

# serial: 16 bytes, positive (first byte 01..7f)
ca_serial=$(openssl x509 -in "$PKI/ca/ca.crt" -noout -serial | cut -d= -f2)
[[ "$ca_serial" =~ ^[0-7][0-9A-F]{31}$ ]] && [ "${ca_serial:0:2}" != "00" ] || lk_fail "CA serial not 16 positive bytes: $ca_serial"

# init refuses to overwrite
before=$(snapshot "$PKI")
expect_fail "second init" "already exists.*refusing to overwrite" certs init --passphrase-file "$PASS"
lk_expect_eq "$(snapshot "$PKI")" "$before" "PKI after a refused init"

# --name
LATCHKEY_CA_PASSPHRASE=x "$CERTS" -d "$LK_TMP/pki2" init --name "My Home" --days 30 >/dev/null
openssl x509 -in "$LK_TMP/pki2/ca/ca.crt" -noout -subject | lk_has -x 'subject=CN = My Home Latchkey CA' || lk_fail "--name"

# ---------------------------------------------------------------- issue
expect_fail "issue without passphrase" "no CA passphrase" certs issue client alice </dev/null
expect_fail "server without SAN" "at least one --dns" certs issue server localhost --passphrase-file "$PASS"
expect_fail "server with a bad --dns" "invalid --dns" certs issue server localhost --dns 'a,DNS:evil' --passphrase-file "$PASS"
expect_fail "server with a bad --ip" "invalid --ip" certs issue server localhost --ip 300.1.1.1 --passphrase-file "$PASS"
expect_fail "SAN on a client" "apply only to 'issue server'" certs issue client alice --dns x --passphrase-file "$PASS"
expect_fail "unknown profile" "unknown profile 'admin'" certs issue admin alice --passphrase-file "$PASS"
expect_fail "client without name" "needs a name" certs issue client --passphrase-file "$PASS"
expect_fail "client named gateway" "invalid user name 'gateway'" certs issue client gateway --passphrase-file "$PASS"
for bad in Home/door1 home home/door1/x /door1 home/ "home/door 1" "home/abcdefghijklmnopqrstuvwxyz0123456"; do
  expect_fail "invalid device name '$bad'" "invalid device name" certs issue device "$bad" --passphrase-file "$PASS"
done
expect_fail "validity past 2049" "before 2050" certs issue client carol --days 36000 --passphrase-file "$PASS"
expect_fail "leaf outliving the CA" "outlive the CA" \
  env LATCHKEY_CA_PASSPHRASE=x "$CERTS" -d "$LK_TMP/pki2" issue client carol --days 31
expect_fail "bad --days" "--days must be" certs issue client carol --days 12x --passphrase-file "$PASS"

before=$(snapshot "$PKI")
expect_fail "wrong passphrase" "cannot decrypt the CA key.*wrong passphrase" \
  certs issue client alice --passphrase-file "$LK_TMP/wrong-pass"
expect_fail "wrong passphrase (env)" "wrong passphrase" \
  env LATCHKEY_CA_PASSPHRASE=nope "$CERTS" -d "$PKI" issue server localhost --dns localhost
lk_expect_eq "$(snapshot "$PKI")" "$before" "PKI after refused issues"

certs issue server localhost --dns localhost --ip 127.0.0.1 --ip ::1 --passphrase-file "$PASS" >/dev/null
LATCHKEY_CA_PASSPHRASE=$(head -n1 "$PASS") certs issue client alice >/dev/null
certs issue device home/door1 --passphrase-file "$PASS" >/dev/null
# options and -d after the verb work too
"$CERTS" issue gateway --passphrase-file "$PASS" -d "$PKI" >/dev/null
LATCHKEY_PKI_DIR=$PKI "$CERTS" issue client bob --days 10 --passphrase-file "$PASS" >/dev/null

CA=$PKI/ca/ca.crt
openssl verify -x509_strict -CAfile "$CA" -purpose sslserver "$PKI/issued/localhost.crt" >/dev/null || lk_fail "server cert does not verify as sslserver"
if openssl verify -x509_strict -CAfile "$CA" -purpose sslclient "$PKI/issued/localhost.crt" >/dev/null 2>&1; then
  lk_fail "server cert verifies as sslclient"
fi
for stem in alice home.door1 gateway bob; do
  openssl verify -x509_strict -CAfile "$CA" -purpose sslclient "$PKI/issued/$stem.crt" >/dev/null || lk_fail "$stem does not verify as sslclient"
  if openssl verify -x509_strict -CAfile "$CA" -purpose sslserver "$PKI/issued/$stem.crt" >/dev/null 2>&1; then
    lk_fail "$stem verifies as sslserver"
  fi
  lk_expect_eq "$(mode_of "$PKI/private/$stem.key")" 600 "mode of $stem.key"
  head -n 1 "$PKI/private/$stem.key" | lk_has -x -- '-----BEGIN PRIVATE KEY-----' || lk_fail "$stem.key is not PKCS#8"
  [ "$(openssl pkey -in "$PKI/private/$stem.key" -pubout)" = "$(openssl x509 -in "$PKI/issued/$stem.crt" -noout -pubkey)" ] ||
    lk_fail "$stem.key does not match its certificate"
done

srv=$(x509_text "$PKI/issued/localhost.crt")
grep -q 'Subject: CN = localhost' <<<"$srv" || lk_fail "server subject"
expect_ext "$srv" "X509v3 Extended Key Usage" "TLS Web Server Authentication"
expect_ext "$srv" "X509v3 Subject Alternative Name" "DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1"
openssl x509 -in "$PKI/issued/localhost.crt" -noout -checkend $((396 * 86400)) >/dev/null || lk_fail "server valid < 396 days"
if openssl x509 -in "$PKI/issued/localhost.crt" -noout -checkend $((398 * 86400)) >/dev/null; then lk_fail "server valid > 398 days"; fi

for pair in "alice:alice:365" "home.door1:home/door1:730" "gateway:gateway:730" "bob:bob:10"; do
  IFS=: read -r stem cn days <<<"$pair"
  t=$(x509_text "$PKI/issued/$stem.crt")
  grep -q "Subject: CN = $cn\$" <<<"$t" || lk_fail "$stem subject is not CN = $cn"
  grep -q 'Issuer: CN = Latchkey Latchkey CA' <<<"$t" || lk_fail "$stem issuer"
  grep -q 'ASN1 OID: prime256v1' <<<"$t" || lk_fail "$stem key is not P-256"
  grep -q 'Signature Algorithm: ecdsa-with-SHA256' <<<"$t" || lk_fail "$stem not signed with sha256"
  expect_ext "$t" "X509v3 Extended Key Usage" "TLS Web Client Authentication"
  expect_ext "$t" "X509v3 Basic Constraints: critical" "CA:FALSE"
  expect_ext "$t" "X509v3 Key Usage: critical" "Digital Signature"
  grep -q 'X509v3 Subject Key Identifier' <<<"$t" || lk_fail "$stem has no SKI"
  expect_ext "$t" "X509v3 Authority Key Identifier" "$(openssl x509 -in "$CA" -noout -ext subjectKeyIdentifier | tail -n1 | tr -d ' ')"
  ! grep -q 'Subject Alternative Name' <<<"$t" || lk_fail "$stem has a SAN"
  openssl x509 -in "$PKI/issued/$stem.crt" -noout -checkend $(((days - 1) * 86400)) >/dev/null || lk_fail "$stem valid < $days days"
  if openssl x509 -in "$PKI/issued/$stem.crt" -noout -checkend $(((days + 1) * 86400)) >/dev/null; then lk_fail "$stem valid > $days days"; fi
  # dates are UTCTime
  [ "$(openssl asn1parse -in "$PKI/issued/$stem.crt" | grep -c 'prim: UTCTIME')" -eq 2 ] || lk_fail "$stem dates are not UTCTime"
done

# serials differ and are 16 positive bytes
serials=$(for f in "$PKI"/issued/*.crt "$CA"; do openssl x509 -in "$f" -noout -serial | cut -d= -f2; done)
lk_expect_eq "$(sort -u <<<"$serials" | wc -l)" 6 "distinct serials"
while read -r s; do
  [[ "$s" =~ ^[0-7][0-9A-F]{31}$ ]] && [ "${s:0:2}" != "00" ] || lk_fail "serial not 16 positive bytes: $s"
done <<<"$serials"

# inventory
idx=$PKI/index.tsv
head -n 1 "$idx" | lk_has '^# serial	profile	subject_cn	not_before	not_after	status	revoked_at	reason	key_source$' || lk_fail "index header: $(head -n1 "$idx")"
lk_expect_eq "$(grep -vc '^#' "$idx")" 6 "inventory lines"
alice_serial=$(openssl x509 -in "$PKI/issued/alice.crt" -noout -serial | cut -d= -f2)
grep -qP "^$alice_serial\tclient\talice\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\tvalid\t-\t-\tgenerated$" "$idx" ||
  lk_fail "no inventory line for alice: $(cat "$idx")"
grep -qP "^[0-9A-F]{32}\tdevice\thome/door1\t" "$idx" || lk_fail "no inventory line for home/door1"
grep -qP "^[0-9A-F]{32}\tgateway\tgateway\t" "$idx" || lk_fail "no inventory line for gateway"
grep -qP "^$ca_serial\tca\tLatchkey Latchkey CA\t" "$idx" || lk_fail "no inventory line for the CA"
alice_end=$(date -u -d "$(openssl x509 -in "$PKI/issued/alice.crt" -noout -enddate | cut -d= -f2)" +%Y-%m-%dT%H:%M:%SZ)
grep -qP "^$alice_serial\t.*\t$alice_end\tvalid\t-\t-\tgenerated$" "$idx" || lk_fail "alice notAfter in inventory is not $alice_end"

# duplicates and stem collisions are refused, nothing changes
before=$(snapshot "$PKI")
expect_fail "duplicate client" "CN=alice is already issued" certs issue client alice --passphrase-file "$PASS"
expect_fail "duplicate device" "CN=home/door1 is already issued" certs issue device home/door1 --passphrase-file "$PASS"
expect_fail "duplicate gateway" "CN=gateway is already issued" certs issue gateway --passphrase-file "$PASS"
expect_fail "duplicate server" "CN=localhost is already issued" certs issue server localhost --dns localhost --passphrase-file "$PASS"
expect_fail "file stem collision" "would be stored as 'home.door1'" certs issue client home.door1 --passphrase-file "$PASS"
lk_expect_eq "$(snapshot "$PKI")" "$before" "PKI after refused duplicates"
if find "$PKI" -name '*.tmp.*' | lk_has .; then lk_fail "temporary files left behind"; fi

# ---------------------------------------------------------------- export
printf 'phone-pass-1\n' >"$LK_TMP/p12pass"
expect_fail "export without --out" "needs --out" certs export alice
expect_fail "export unknown user" "no valid client certificate for 'nobody'" certs export nobody --out "$LK_TMP/n.p12"
expect_fail "export a device" "invalid user name|no valid client certificate" certs export home.door1 --out "$LK_TMP/n.p12"
expect_fail "export with empty password file" "empty" certs export alice --out "$LK_TMP/n.p12" --password-file "$LK_TMP/empty-pass"
[ ! -e "$LK_TMP/n.p12" ] || lk_fail "refused export wrote a file"

certs export alice --out "$LK_TMP/modern.p12" --password-file "$LK_TMP/p12pass" >"$LK_TMP/export1.out"
! grep -q '^password:' "$LK_TMP/export1.out" || lk_fail "password printed although given"
certs export alice --out "$LK_TMP/legacy.p12" --legacy >"$LK_TMP/export2.out"
gen=$(sed -n 's/^password: //p' "$LK_TMP/export2.out")
[[ "$gen" =~ ^[23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ]{16}$ ]] || lk_fail "generated password '$gen'"
printf '%s\n' "$gen" >"$LK_TMP/genpass"
lk_expect_eq "$(mode_of "$LK_TMP/modern.p12")" 600 "mode of the p12"

openssl pkcs12 -info -noout -in "$LK_TMP/modern.p12" -passin "file:$LK_TMP/p12pass" >"$LK_TMP/modern.info" 2>&1 ||
  lk_fail "modern p12 does not open: $(cat "$LK_TMP/modern.info")"
grep -q 'MAC: sha256' "$LK_TMP/modern.info" || lk_fail "modern p12 MAC: $(cat "$LK_TMP/modern.info")"
grep -q 'Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC' "$LK_TMP/modern.info" || lk_fail "modern key bag"
openssl pkcs12 -info -noout -legacy -in "$LK_TMP/legacy.p12" -passin "file:$LK_TMP/genpass" >"$LK_TMP/legacy.info" 2>&1 ||
  lk_fail "legacy p12 does not open: $(cat "$LK_TMP/legacy.info")"
grep -q 'MAC: sha1' "$LK_TMP/legacy.info" || lk_fail "legacy p12 MAC is not sha1: $(cat "$LK_TMP/legacy.info")"
grep -q 'Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC' "$LK_TMP/legacy.info" || lk_fail "legacy key bag is not 3DES"
grep -q 'PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC' "$LK_TMP/legacy.info" || lk_fail "legacy cert bags are not 3DES"
if openssl pkcs12 -info -noout -legacy -in "$LK_TMP/legacy.p12" -passin pass:wrong >/dev/null 2>&1; then
  lk_fail "legacy p12 opens with a wrong password"
fi
# contents: alice's cert (friendlyName alice) + key + the CA
for kind in modern:p12pass legacy:genpass; do
  IFS=: read -r form pwf <<<"$kind"
  openssl pkcs12 -legacy -in "$LK_TMP/$form.p12" -passin "file:$LK_TMP/$pwf" -nodes -out "$LK_TMP/$form.pem" 2>/dev/null ||
    lk_fail "$form p12 does not unpack"
  lk_expect_eq "$(grep -c 'BEGIN CERTIFICATE' "$LK_TMP/$form.pem")" 2 "$form p12 certificates"
  lk_expect_eq "$(grep -c 'BEGIN PRIVATE KEY' "$LK_TMP/$form.pem")" 1 "$form p12 keys"
  lk_expect_eq "$(grep -c 'friendlyName: alice' "$LK_TMP/$form.pem")" 2 "$form p12 friendlyName (cert + key)"
  grep -q 'subject=CN = Latchkey Latchkey CA' "$LK_TMP/$form.pem" || lk_fail "$form p12 lacks the CA"
done

# NSS imports both forms into a fresh database and lists alice's certificate
for kind in modern:p12pass legacy:genpass; do
  IFS=: read -r form pwf <<<"$kind"
  db=$LK_TMP/nss-$form
  mkdir "$db"
  certutil -N -d "sql:$db" --empty-password
  pk12util -i "$LK_TMP/$form.p12" -d "sql:$db" -w "$LK_TMP/$pwf" >"$LK_TMP/pk12util-$form.log" 2>&1 ||
    lk_fail "pk12util refused the $form p12: $(cat "$LK_TMP/pk12util-$form.log")"
  certutil -L -d "sql:$db" | lk_has -E '^alice +u,u,u' || lk_fail "NSS does not list alice with her key after the $form import"
  certutil -L -d "sql:$db" -n alice | lk_has 'Subject: "CN=alice"' || lk_fail "NSS cert alice has the wrong subject"
done

# ---------------------------------------------------------------- cmdkey
certs cmdkey >/dev/null
for f in command.key command.pub command.pub.hex; do [ -s "$PKI/cmd/$f" ] || lk_fail "cmdkey did not write $f"; done
lk_expect_eq "$(mode_of "$PKI/cmd/command.key")" 600 "mode of command.key"
head -n 1 "$PKI/cmd/command.key" | lk_has -x -- '-----BEGIN PRIVATE KEY-----' || lk_fail "command.key is not PKCS#8"
openssl pkey -in "$PKI/cmd/command.key" -noout -text | lk_has 'ED25519 Private-Key' || lk_fail "command.key is not Ed25519"
head -n 1 "$PKI/cmd/command.pub" | lk_has -x -- '-----BEGIN PUBLIC KEY-----' || lk_fail "command.pub is not SPKI PEM"
[ "$(openssl pkey -in "$PKI/cmd/command.key" -pubout)" = "$(cat "$PKI/cmd/command.pub")" ] || lk_fail "command.pub does not match command.key"
hex_expected=$(openssl pkey -pubin -in "$PKI/cmd/command.pub" -outform DER | tail -c 32 | od -An -v -tx1 | tr -d ' \n')
lk_expect_eq "$(cat "$PKI/cmd/command.pub.hex")" "$hex_expected" "command.pub.hex"
[ "$(wc -c <"$PKI/cmd/command.pub.hex")" -eq 65 ] && [ "$(tail -c 1 "$PKI/cmd/command.pub.hex" | od -An -tx1 | tr -d ' ')" = 0a ] ||
  lk_fail "command.pub.hex is not 64 hex digits + newline"
# the key signs and the public key verifies (independent check with the openssl CLI)
printf 'latchkey-cmd-v1\ntest' >"$LK_TMP/msg"
openssl pkeyutl -sign -rawin -inkey "$PKI/cmd/command.key" -in "$LK_TMP/msg" -out "$LK_TMP/sig"
openssl pkeyutl -verify -rawin -pubin -inkey "$PKI/cmd/command.pub" -in "$LK_TMP/msg" -sigfile "$LK_TMP/sig" >/dev/null ||
  lk_fail "command key signature does not verify"

before=$(snapshot "$PKI")
expect_fail "cmdkey overwrite" "already exists; use --force" certs cmdkey
lk_expect_eq "$(snapshot "$PKI")" "$before" "PKI after a refused cmdkey"
old_hex=$(cat "$PKI/cmd/command.pub.hex")
certs cmdkey --force >/dev/null
[ "$(cat "$PKI/cmd/command.pub.hex")" != "$old_hex" ] || lk_fail "cmdkey --force did not replace the key"

if find "$PKI" "$LK_TMP" -maxdepth 3 -name '*.tmp.*' | lk_has .; then lk_fail "temporary files left behind"; fi
lk_log "certs_cli: all checks passed"
