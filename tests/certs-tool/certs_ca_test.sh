# certs_ca_test.sh - the CA itself: init --key-type p256|p384|rsa3072 (leaves signed with
# the matching digest and verifying), the passphrase typed on a terminal (asked twice for
# init, with no echo; a mismatch creates nothing), and an expired CA that must refuse
# issue, sign, renew and crl without changing anything.
# Usage: bash certs_ca_test.sh /path/to/latchkey-certs
# shellcheck shell=bash
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/ca_test_helpers.sh"

CERTS=${1:?usage: certs_ca_test.sh /path/to/latchkey-certs}
unset LATCHKEY_CA_PASSPHRASE LATCHKEY_PKI_DIR
PASS=$LK_TMP/ca-pass
printf 'ca test passphrase\n' >"$PASS"

# ---------------------------------------------------------------- key types
for kt in p256:prime256v1:ecdsa-with-SHA256 p384:secp384r1:ecdsa-with-SHA384 rsa3072:RSA:sha256WithRSAEncryption; do
  IFS=: read -r type curve sig <<<"$kt"
  PKI=$LK_TMP/pki-$type
  certs init --key-type "$type" --passphrase-file "$PASS" >"$LK_TMP/init.out"
  grep -q "($type, serial" "$LK_TMP/init.out" || lk_fail "init $type output: $(cat "$LK_TMP/init.out")"
  t=$(openssl x509 -in "$PKI/ca/ca.crt" -noout -text)
  if [ "$curve" = RSA ]; then
    grep -q 'Public-Key: (3072 bit)' <<<"$t" || lk_fail "$type CA is not RSA-3072"
  else
    grep -q "ASN1 OID: $curve" <<<"$t" || lk_fail "$type CA curve"
  fi
  grep -q "Signature Algorithm: $sig" <<<"$t" || lk_fail "$type CA signature"
  openssl pkey -in "$PKI/ca/ca.key" -passin "file:$PASS" -noout || lk_fail "$type ca.key does not open"
  certs issue client alice --passphrase-file "$PASS" >/dev/null
  grep -q "Signature Algorithm: $sig" <<<"$(openssl x509 -in "$PKI/issued/alice.crt" -noout -text)" || lk_fail "$type leaf signature"
  grep -q 'ASN1 OID: prime256v1' <<<"$(openssl x509 -in "$PKI/issued/alice.crt" -noout -text)" || lk_fail "leaf key is not P-256"
  openssl verify -x509_strict -CAfile "$PKI/ca/ca.crt" -purpose sslclient "$PKI/issued/alice.crt" >/dev/null || lk_fail "$type leaf verify"
  certs revoke alice >/dev/null
  certs crl --passphrase-file "$PASS" >/dev/null
  openssl crl -in "$PKI/crl.pem" -noout -CAfile "$PKI/ca/ca.crt" -verify 2>&1 | lk_has 'verify OK' || lk_fail "$type CRL verify"
  lk_log "ok: CA key type $type"
done
PKI=$LK_TMP/pki-bad
expect_fail "unknown key type" "unknown --key-type 'ed25519'" certs init --key-type ed25519 --passphrase-file "$PASS"
[ ! -e "$PKI" ] || lk_fail "refused init created the directory"
expect_fail "--key-type on issue" "--key-type does not apply to 'issue'" certs issue client x --key-type p384

# ---------------------------------------------------------------- passphrase on a terminal
# tty_run EXPECT_RC ANSWER... -- CMD...: runs CMD on a new pseudo-terminal (its stdin and
# /dev/tty), sends each ANSWER after the next "passphrase:"/"Repeat it:" prompt; the
# transcript goes to $LK_TMP/tty.out.
tty_run() {
  python3 - "$@" >"$LK_TMP/tty.out" 2>&1 <<'PY'
import os, pty, re, select, sys, time
args = sys.argv[1:]
want = int(args.pop(0))
sep = args.index("--")
answers, cmd = args[:sep], args[sep + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
out, deadline = b"", time.time() + 30
prompts = 0
while True:
    r, _, _ = select.select([fd], [], [], max(0.0, deadline - time.time()))
    if not r:
        print("timeout; transcript:", out); sys.exit(3)
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    n = len(re.findall(rb"(passphrase: |Repeat it: )", out))
    while prompts < n and prompts < len(answers):
        time.sleep(0.05)
        os.write(fd, answers[prompts].encode() + b"\n")
        prompts += 1
_, status = os.waitpid(pid, 0)
rc = os.waitstatus_to_exitcode(status)
sys.stdout.write(out.decode(errors="replace"))
for a in answers:
    if a and a.encode() in out:
        print("\nECHOED: the passphrase appeared on the terminal"); sys.exit(4)
sys.exit(0 if rc == want else 5)
PY
}
PKI=$LK_TMP/pki-tty
tty_run 1 'first secret' 'other secret' -- "$CERTS" -d "$PKI" init || lk_fail "init with mismatching passphrases: $(cat "$LK_TMP/tty.out")"
grep -q 'the two passphrases differ' "$LK_TMP/tty.out" || lk_fail "mismatch message: $(cat "$LK_TMP/tty.out")"
[ ! -e "$PKI/ca/ca.key" ] || lk_fail "init with mismatching passphrases wrote a key"
tty_run 1 '' -- "$CERTS" -d "$PKI" init || lk_fail "init with an empty typed passphrase: $(cat "$LK_TMP/tty.out")"
grep -q 'empty passphrase' "$LK_TMP/tty.out" || lk_fail "empty message: $(cat "$LK_TMP/tty.out")"
tty_run 0 'typed secret' 'typed secret' -- "$CERTS" -d "$PKI" init || lk_fail "init on a terminal: $(cat "$LK_TMP/tty.out")"
grep -q 'New CA passphrase: ' "$LK_TMP/tty.out" && grep -q 'Repeat it: ' "$LK_TMP/tty.out" || lk_fail "prompts: $(cat "$LK_TMP/tty.out")"
openssl pkey -in "$PKI/ca/ca.key" -passin 'pass:typed secret' -noout || lk_fail "the typed passphrase does not open ca.key"
tty_run 0 'typed secret' -- "$CERTS" -d "$PKI" issue client alice || lk_fail "issue on a terminal: $(cat "$LK_TMP/tty.out")"
[ -s "$PKI/issued/alice.crt" ] || lk_fail "issue with a typed passphrase"
before=$(snapshot "$PKI")
tty_run 1 'mistyped' -- "$CERTS" -d "$PKI" issue client bob || lk_fail "issue with a mistyped passphrase: $(cat "$LK_TMP/tty.out")"
grep -q 'wrong passphrase' "$LK_TMP/tty.out" || lk_fail "mistyped message"
expect_unchanged "mistyped passphrase" "$before"
# the environment still wins over the terminal
LATCHKEY_CA_PASSPHRASE='typed secret' tty_run 0 -- "$CERTS" -d "$PKI" issue client carol || lk_fail "env on a terminal: $(cat "$LK_TMP/tty.out")"
! grep -q 'passphrase:' "$LK_TMP/tty.out" || lk_fail "asked although LATCHKEY_CA_PASSPHRASE is set"
lk_log "ok: passphrase on a terminal"

# ---------------------------------------------------------------- expired CA
# A CA whose certificate ended in 2021, made with `openssl ca` (which can back-date).
E=$LK_TMP/old-ca
PKI=$LK_TMP/pki-expired
mkdir -p "$E" "$PKI/ca" "$PKI/issued" "$PKI/private"
chmod 700 "$PKI/ca" "$PKI/private"
: >"$E/index.txt"
echo 01 >"$E/serial"
cat >"$E/ca.cnf" <<CNF
[ ca ]
default_ca = old
[ old ]
database = $E/index.txt
new_certs_dir = $E
serial = $E/serial
default_md = sha256
policy = any
x509_extensions = v3
unique_subject = no
[ any ]
commonName = supplied
[ v3 ]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ leaf ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
CNF
openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout "$E/k.pem" \
  -subj "/CN=Old Latchkey CA" -out "$E/ca.csr" 2>/dev/null
openssl ca -batch -config "$E/ca.cnf" -selfsign -keyfile "$E/k.pem" -in "$E/ca.csr" \
  -startdate 20200101000000Z -enddate 20210101000000Z -out "$PKI/ca/ca.crt" 2>"$E/ca.log" || lk_fail "openssl ca: $(cat "$E/ca.log")"
openssl pkcs8 -topk8 -v2 aes-256-cbc -in "$E/k.pem" -passout "file:$PASS" -out "$PKI/ca/ca.key"
chmod 600 "$PKI/ca/ca.key"
# and one client certificate it issued, in the first inventory format
openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout "$PKI/private/old.key" \
  -subj /CN=old -out "$E/old.csr" 2>/dev/null
openssl ca -batch -config "$E/ca.cnf" -cert "$PKI/ca/ca.crt" -keyfile "$E/k.pem" -in "$E/old.csr" -extensions leaf \
  -startdate 20200101000000Z -enddate 20201201000000Z -out "$PKI/issued/old.crt" 2>"$E/old.log" || lk_fail "openssl ca leaf: $(cat "$E/old.log")"
OLD_SERIAL=$(serial_of "$PKI/issued/old.crt")
printf '# serial\tprofile\tsubject_cn\tnot_before\tnot_after\tstatus\n%s\tca\tOld Latchkey CA\t2020-01-01T00:00:00Z\t2021-01-01T00:00:00Z\tvalid\n%s\tclient\told\t2020-01-01T00:00:00Z\t2020-12-01T00:00:00Z\tvalid\n' \
  "$(serial_of "$PKI/ca/ca.crt")" "$OLD_SERIAL" >"$PKI/index.tsv"
openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout "$E/u.key" -subj /CN=ursula -out "$E/u.csr" 2>/dev/null
certs list | lk_has -E "^$OLD_SERIAL +client +old .* expired +-$" || lk_fail "list does not show an expired certificate: $(certs list)"
certs list | lk_has -E "Old Latchkey CA .* expired" || lk_fail "list does not show the CA expired"
before=$(snapshot "$PKI")
expect_fail "issue with an expired CA" "CA certificate .* expired on 2021-01-01T00:00:00Z" certs issue client ursula --passphrase-file "$PASS"
expect_fail "sign with an expired CA" "expired on 2021-01-01" certs sign client "$E/u.csr" --passphrase-file "$PASS"
expect_fail "crl with an expired CA" "expired on 2021-01-01" certs crl --passphrase-file "$PASS"
expect_fail "renew with an expired CA" "expired on 2021-01-01" certs renew old --passphrase-file "$PASS"
expect_unchanged "expired CA" "$before"
lk_log "ok: expired CA refused"

lk_log "certs_ca: all checks passed"
