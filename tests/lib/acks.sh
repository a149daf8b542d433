# acks.sh - device acks made by hand for tests (sourced after testlib.sh, which sets
# LK_TMP): the ack's canonical bytes of docs/protocol.md ("The signed ack") signed with any
# Ed25519 key by the openssl command line, and the JSON payload a device sends.
# shellcheck shell=bash

# lk_ack_pubhex KEY: the 64 lowercase hex digits of KEY's raw public key.
lk_ack_pubhex() { openssl pkey -in "$1" -pubout -outform DER | tail -c 32 | od -An -tx1 | tr -d ' \n'; }

# lk_ack_sig KEY ID SITE DOOR RESULT REASON AT: the base64url signature of that ack.
lk_ack_sig() {
  printf 'latchkey-ack-v1\n%s\n%s\n%s\n%s\n%s\n%s' "$2" "$3" "$4" "$5" "$6" "$7" >"$LK_TMP/ack-msg"
  openssl pkeyutl -sign -rawin -inkey "$1" -in "$LK_TMP/ack-msg" | base64 -w0 | tr '+/' '-_' | tr -d '='
}

# lk_ack_json ID RESULT REASON AT [SIG]: the payload, without "sig" when SIG is empty.
lk_ack_json() {
  if [ -n "${5:-}" ]; then
    printf '{"v":1,"id":"%s","result":"%s","reason":"%s","at":%s,"sig":"%s"}' "$1" "$2" "$3" "$4" "$5"
  else
    printf '{"v":1,"id":"%s","result":"%s","reason":"%s","at":%s}' "$1" "$2" "$3" "$4"
  fi
}
