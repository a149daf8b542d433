#!/usr/bin/env bash
# make_bad_certs.sh - forges the client certificates of the attack matrix with the openssl
# CLI, against a site made by scripts/make-site.sh (its CA signs where the case needs it,
# through ca_sign.sh).
# usage: make_bad_certs.sh SITE_DIR OUT_DIR
# writes OUT_DIR/<case>.crt (chain, leaf first) and OUT_DIR/<case>.key for each case.
set -euo pipefail
SITE=$1 OUT=$2
PKI="$SITE/pki"
. "$(dirname "$0")/ca_sign.sh"
ca_sign_init "$SITE" "$OUT"
W="$OUT/work"; mkdir -p "$W"

# Another CA altogether.
newkey "$W/other-ca.key"
q openssl req -x509 -key "$W/other-ca.key" -subj "/CN=Other Latchkey CA" -days 30 -out "$W/other-ca.crt" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
newkey "$OUT/other-ca.key"; csr "$OUT/other-ca.key" alice "$W/other.csr"
q openssl x509 -req -in "$W/other.csr" -CA "$W/other-ca.crt" -CAkey "$W/other-ca.key" -CAcreateserial \
  -days 30 -extfile "$OUT/client.ext" -out "$OUT/other-ca.crt"

newkey "$OUT/expired.key"; csr "$OUT/expired.key" alice "$W/expired.csr"
ca_sign "$W/expired.csr" "$OUT/expired.crt" "$OUT/client.ext" 20200101000000Z 20200201000000Z sha256

newkey "$OUT/not-yet-valid.key"; csr "$OUT/not-yet-valid.key" alice "$W/nyv.csr"
ca_sign "$W/nyv.csr" "$OUT/not-yet-valid.crt" "$OUT/client.ext" "$(now_plus '+1 year')" "$(now_plus '+2 years')" sha256

newkey "$OUT/server-eku.key"; csr "$OUT/server-eku.key" alice "$W/seku.csr"
ca_sign "$W/seku.csr" "$OUT/server-eku.crt" "$OUT/server.ext" "$(now_plus '-1 day')" "$(now_plus '+30 days')" sha256

# The CA certificate itself, with its (decrypted) key, presented as a client.
cp "$PKI/ca/ca.crt" "$OUT/ca-as-client.crt"
q openssl pkey -in "$PKI/ca/ca.key" -passin "file:$SITE/ca.passphrase" -out "$OUT/ca-as-client.key"

# Self-signed, same subject as the real user.
newkey "$OUT/self-signed.key"
q openssl req -x509 -key "$OUT/self-signed.key" -subj "/CN=alice" -days 30 -out "$OUT/self-signed.crt" \
  -addext "extendedKeyUsage=clientAuth"

# The real user's certificate with a key that is not its own.
cp "$PKI/issued/alice.crt" "$OUT/key-mismatch.crt"
newkey "$OUT/key-mismatch.key"

# A leaf issued by a leaf (alice's certificate signs another "alice"); chain sent in full.
newkey "$OUT/leaf-by-leaf.key"; csr "$OUT/leaf-by-leaf.key" alice "$W/lbl.csr"
q openssl x509 -req -in "$W/lbl.csr" -CA "$PKI/issued/alice.crt" -CAkey "$PKI/private/alice.key" \
  -CAcreateserial -days 30 -extfile "$OUT/client.ext" -out "$W/lbl.crt"
cat "$W/lbl.crt" "$PKI/issued/alice.crt" > "$OUT/leaf-by-leaf.crt"

# Weak key and weak signature, both from the right CA.
q openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$OUT/rsa1024.key"
csr "$OUT/rsa1024.key" alice "$W/rsa1024.csr"
ca_sign "$W/rsa1024.csr" "$OUT/rsa1024.crt" "$OUT/client.ext" "$(now_plus '-1 day')" "$(now_plus '+30 days')" sha256

newkey "$OUT/sha1.key"; csr "$OUT/sha1.key" alice "$W/sha1.csr"
ca_sign "$W/sha1.csr" "$OUT/sha1.crt" "$OUT/client.ext" "$(now_plus '-1 day')" "$(now_plus '+30 days')" sha1

# A good certificate for a name that is no user (expected: TLS accepts, the gateway says 403).
newkey "$OUT/unknown-user.key"; csr "$OUT/unknown-user.key" mallory "$W/mallory.csr"
ca_sign "$W/mallory.csr" "$OUT/unknown-user.crt" "$OUT/client.ext" "$(now_plus '-1 day')" "$(now_plus '+30 days')" sha256

# The real user's certificate: the control case, which must get through.
cp "$PKI/issued/alice.crt" "$OUT/valid.crt"; cp "$PKI/private/alice.key" "$OUT/valid.key"
