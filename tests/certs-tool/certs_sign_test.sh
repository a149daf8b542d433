# certs_sign_test.sh - "sign": CSRs made with the openssl CLI for every accepted key type
# (P-256, P-384, RSA-2048, Ed25519, PEM and DER) are signed and verify with
# `openssl verify -x509_strict`; weak or unknown keys, tampered CSRs and bad names are
# refused without changing anything; requested extensions (CA:TRUE, keyCertSign, SAN, EKU)
# are ignored and only the CN is taken.
# Usage: bash certs_sign_test.sh /path/to/latchkey-certs
# shellcheck shell=bash
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/ca_test_helpers.sh"

# shellcheck disable=SC2034 # CERTS is used by ca_test_helpers.sh's certs()
CERTS=${1:?usage: certs_sign_test.sh /path/to/latchkey-certs}
ca_test_setup 'sign test passphrase'
W=$LK_TMP/csr
mkdir -p "$W"

certs init --passphrase-file "$PASS" >/dev/null

# csr NAME SUBJECT KEYARGS... [-- REQARGS...]: $W/NAME.csr (+ NAME.key) with the openssl CLI.
csr() {
  local name=$1 subj=$2; shift 2
  openssl req -new -nodes -keyout "$W/$name.key" -subj "$subj" -out "$W/$name.csr" "$@" 2>"$W/$name.log" ||
    lk_fail "openssl req for $name: $(cat "$W/$name.log")"
}

# ---------------------------------------------------------------- every accepted key type
csr p256 /CN=alice-p256 -newkey ec -pkeyopt ec_paramgen_curve:P-256
csr p384 /CN=alice-p384 -newkey ec -pkeyopt ec_paramgen_curve:P-384
csr rsa2048 /CN=alice-rsa -newkey rsa:2048
csr ed25519 "/CN=home\/door2" -newkey ed25519
for pair in "p256:client:alice-p256:ECDSA" "p384:client:alice-p384:ECDSA" "rsa2048:client:alice-rsa:RSA" \
            "ed25519:device:home/door2:ED25519"; do
  IFS=: read -r kt profile cn _ <<<"$pair"
  stem=${cn//\//.}
  certs sign "$profile" "$W/$kt.csr" --out "$W/$kt.crt" --passphrase-file "$PASS" >"$LK_TMP/sign.out" ||
    lk_fail "sign $kt: $(cat "$LK_TMP/sign.out")"
  grep -q "signed $profile certificate CN=$cn" "$LK_TMP/sign.out" || lk_fail "sign $kt output: $(cat "$LK_TMP/sign.out")"
  [ -s "$W/$kt.crt" ] && [ -s "$PKI/issued/$stem.crt" ] || lk_fail "sign $kt did not write $W/$kt.crt and issued/$stem.crt"
  openssl verify -x509_strict -CAfile "$CA" -purpose sslclient "$W/$kt.crt" >/dev/null ||
    lk_fail "$kt certificate does not verify as sslclient"
  cmp -s "$W/$kt.crt" "$PKI/issued/$stem.crt" || lk_fail "--out and issued/$stem.crt differ for $kt"
  [ "$(pubkey_of "$W/$kt.crt")" = "$(openssl pkey -in "$W/$kt.key" -pubout)" ] || lk_fail "$kt: not the CSR's key"
  [ ! -e "$PKI/private/$stem.key" ] || lk_fail "$kt: sign wrote a private key"
  s=$(serial_of "$W/$kt.crt") || lk_fail "cannot read the serial of $W/$kt.crt"
  [ "$(index_field "$s" 2)$(index_field "$s" 3)$(index_field "$s" 6)$(index_field "$s" 9)" = "${profile}${cn}validcsr" ] ||
    lk_fail "$kt inventory line: $(grep "^$s" "$PKI/index.tsv")"
  cmp -s "$W/$kt.crt" "$PKI/archive/$s.crt" || lk_fail "$kt: no copy in archive/"
  openssl x509 -in "$W/$kt.crt" -noout -subject | lk_has -x "subject=CN = $cn" || lk_fail "$kt subject"
  lk_log "ok: signed $kt CSR for CN=$cn"
done
# DER input
csr der /CN=deruser -newkey ec -pkeyopt ec_paramgen_curve:P-256
openssl req -in "$W/der.csr" -outform DER -out "$W/der.der"
certs sign client "$W/der.der" --passphrase-file "$PASS" >/dev/null
openssl verify -x509_strict -CAfile "$CA" -purpose sslclient "$PKI/issued/deruser.crt" >/dev/null || lk_fail "DER CSR cert"

# ---------------------------------------------------------------- requested extensions are ignored
csr evil "/CN=mallory/O=Evil Corp/OU=admins" -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -addext "subjectAltName=DNS:evil.example,IP:10.0.0.1" -addext "extendedKeyUsage=serverAuth,codeSigning"
openssl req -in "$W/evil.csr" -noout -text | lk_has 'CA:TRUE' || lk_fail "the test CSR does not ask for CA:TRUE"
certs sign client "$W/evil.csr" --passphrase-file "$PASS" >/dev/null
t=$(openssl x509 -in "$PKI/issued/mallory.crt" -noout -text)
openssl x509 -in "$PKI/issued/mallory.crt" -noout -subject | lk_has -x 'subject=CN = mallory' || lk_fail "extra subject attributes copied"
expect_ext "$t" "X509v3 Basic Constraints: critical" "CA:FALSE"
expect_ext "$t" "X509v3 Key Usage: critical" "Digital Signature"
! grep -q 'Certificate Sign' <<<"$t" || lk_fail "keyCertSign copied from the CSR"
expect_ext "$t" "X509v3 Extended Key Usage" "TLS Web Client Authentication"
! grep -qE 'Server Authentication|Code Signing' <<<"$t" || lk_fail "EKU copied from the CSR"
! grep -q 'Subject Alternative Name' <<<"$t" || lk_fail "SAN copied from the CSR"
openssl verify -x509_strict -CAfile "$CA" -purpose sslclient "$PKI/issued/mallory.crt" >/dev/null || lk_fail "mallory verify"
# ... and it cannot act as a CA: a certificate it signs does not verify
openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout "$W/sub.key" -subj /CN=sub -out "$W/sub.csr" 2>/dev/null
openssl x509 -req -in "$W/sub.csr" -CA "$PKI/issued/mallory.crt" -CAkey "$W/evil.key" -CAcreateserial -days 1 \
  -out "$W/sub.crt" 2>/dev/null
if openssl verify -CAfile "$CA" -untrusted "$PKI/issued/mallory.crt" "$W/sub.crt" >/dev/null 2>&1; then
  lk_fail "a certificate signed by the CSR's leaf verifies"
fi
lk_log "ok: CA:TRUE/keyCertSign/SAN/EKU requests ignored"

# server: SAN only from --dns/--ip, CN checked as a host name
csr srv /CN=door.example.org -newkey ec -pkeyopt ec_paramgen_curve:P-256 -addext "subjectAltName=DNS:evil.example"
expect_fail "sign server without SAN" "at least one --dns" certs sign server "$W/srv.csr" --passphrase-file "$PASS"
certs sign server "$W/srv.csr" --dns door.example.org --ip 192.0.2.7 --passphrase-file "$PASS" >/dev/null
t=$(openssl x509 -in "$PKI/issued/door.example.org.crt" -noout -text)
expect_ext "$t" "X509v3 Subject Alternative Name" "DNS:door.example.org, IP Address:192.0.2.7"
! grep -q evil.example <<<"$t" || lk_fail "server SAN copied from the CSR"
openssl verify -x509_strict -CAfile "$CA" -purpose sslserver "$PKI/issued/door.example.org.crt" >/dev/null || lk_fail "server verify"

# gateway profile takes CN=gateway only
csr gw /CN=gateway -newkey ec -pkeyopt ec_paramgen_curve:P-256
certs sign gateway "$W/gw.csr" --days 30 --passphrase-file "$PASS" >/dev/null
openssl x509 -in "$PKI/issued/gateway.crt" -noout -checkend $((29 * 86400)) >/dev/null || lk_fail "gateway --days 30"
if openssl x509 -in "$PKI/issued/gateway.crt" -noout -checkend $((31 * 86400)) >/dev/null; then lk_fail "gateway valid > 30 days"; fi

# ---------------------------------------------------------------- refusals change nothing
csr rsa1024 /CN=weak -newkey rsa:1024
csr p521 /CN=p521 -newkey ec -pkeyopt ec_paramgen_curve:P-521
csr k256 /CN=k256 -newkey ec -pkeyopt ec_paramgen_curve:secp256k1
openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:1024 -out "$W/dsa.param" 2>/dev/null
csr dsa /CN=dsa -newkey "dsa:$W/dsa.param"
csr nocn "/O=No Name" -newkey ec -pkeyopt ec_paramgen_curve:P-256
csr twocn "/CN=a/CN=b" -newkey ec -pkeyopt ec_paramgen_curve:P-256
csr badcn "/CN=Home\/Door 1" -newkey ec -pkeyopt ec_paramgen_curve:P-256
csr gwcn /CN=gateway -newkey ec -pkeyopt ec_paramgen_curve:P-256
csr dup /CN=alice-p256 -newkey ec -pkeyopt ec_paramgen_curve:P-256
csr ok /CN=okuser -newkey ec -pkeyopt ec_paramgen_curve:P-256
# tampered: one byte of the signature (the last byte of the DER) flipped
tamper() {
  openssl req -in "$W/$1.csr" -outform DER -out "$W/$1.der"
  python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[-1]^=1; open(sys.argv[2],"wb").write(b)' \
    "$W/$1.der" "$W/$1-tampered.der"
  openssl req -inform DER -in "$W/$1-tampered.der" -out "$W/$1-tampered.csr" 2>/dev/null || cp "$W/$1-tampered.der" "$W/$1-tampered.csr"
}
tamper ok
csr oked /CN=okeduser -newkey ed25519
tamper oked
# tampered subject: CN changed after signing (the signature no longer matches)
openssl req -in "$W/ok.csr" -outform DER -out "$W/ok.der"
python3 -c 'import sys; b=open(sys.argv[1],"rb").read(); assert b.count(b"okuser")==1; open(sys.argv[2],"wb").write(b.replace(b"okuser", b"okusex"))' \
  "$W/ok.der" "$W/ok-subject.der"
printf 'not a csr\n' >"$W/garbage.csr"

before=$(snapshot "$PKI")
expect_fail "RSA-1024 CSR" "RSA key .* 1024 bits; at least 2048" certs sign client "$W/rsa1024.csr" --passphrase-file "$PASS"
expect_fail "P-521 CSR" "curve secp521r1; only P-256 and P-384" certs sign client "$W/p521.csr" --passphrase-file "$PASS"
expect_fail "secp256k1 CSR" "curve secp256k1; only P-256 and P-384" certs sign client "$W/k256.csr" --passphrase-file "$PASS"
expect_fail "DSA CSR" "is DSA; accepted are" certs sign client "$W/dsa.csr" --passphrase-file "$PASS"
expect_fail "tampered ECDSA signature" "bad self-signature" certs sign client "$W/ok-tampered.csr" --passphrase-file "$PASS"
expect_fail "tampered Ed25519 signature" "bad self-signature" certs sign client "$W/oked-tampered.csr" --passphrase-file "$PASS"
expect_fail "tampered subject" "bad self-signature" certs sign client "$W/ok-subject.der" --passphrase-file "$PASS"
expect_fail "not a CSR" "is not a certificate signing request" certs sign client "$W/garbage.csr" --passphrase-file "$PASS"
expect_fail "missing CSR file" "cannot open CSR" certs sign client "$W/nope.csr" --passphrase-file "$PASS"
expect_fail "CSR without CN" "has no subject CN" certs sign client "$W/nocn.csr" --passphrase-file "$PASS"
expect_fail "CSR with two CNs" "more than one subject CN" certs sign client "$W/twocn.csr" --passphrase-file "$PASS"
expect_fail "device CN invalid" "invalid device name 'Home/Door 1'" certs sign device "$W/badcn.csr" --passphrase-file "$PASS"
expect_fail "device profile, user CN" "invalid device name 'okuser'" certs sign device "$W/ok.csr" --passphrase-file "$PASS"
expect_fail "client named gateway" "invalid user name 'gateway'" certs sign client "$W/gwcn.csr" --passphrase-file "$PASS"
expect_fail "gateway profile, other CN" "invalid gateway name 'okuser'" certs sign gateway "$W/ok.csr" --passphrase-file "$PASS"
expect_fail "server CN not a host name" "invalid server name" certs sign server "$W/badcn.csr" --dns x.org --passphrase-file "$PASS"
expect_fail "SAN on a client" "apply only to" certs sign client "$W/ok.csr" --dns x.org --passphrase-file "$PASS"
expect_fail "duplicate CN" "CN=alice-p256 is already issued" certs sign client "$W/dup.csr" --passphrase-file "$PASS"
expect_fail "unknown profile" "unknown profile 'root'" certs sign root "$W/ok.csr" --passphrase-file "$PASS"
expect_fail "missing CSR argument" "needs a profile and a CSR" certs sign client --passphrase-file "$PASS"
expect_fail "wrong passphrase" "cannot decrypt the CA key.*wrong passphrase" certs sign client "$W/ok.csr" --passphrase-file "$LK_TMP/wrong-pass"
expect_fail "no passphrase (no terminal)" "no CA passphrase" certs sign client "$W/ok.csr"
expect_fail "--out into a missing directory" "cannot create a temporary file" \
  certs sign client "$W/ok.csr" --out "$LK_TMP/no/such/dir/ok.crt" --passphrase-file "$PASS"
expect_unchanged "refused signs" "$before"
[ ! -e "$W/ok.crt" ] || lk_fail "refused sign wrote --out"
if find "$PKI" -name '*.tmp.*' | lk_has .; then lk_fail "temporary files left behind"; fi

# the refused CSR signs fine once it is intact
certs sign client "$W/ok.csr" --passphrase-file "$PASS" >/dev/null
openssl verify -x509_strict -CAfile "$CA" -purpose sslclient "$PKI/issued/okuser.crt" >/dev/null || lk_fail "okuser verify"
lk_log "certs_sign: all checks passed"
