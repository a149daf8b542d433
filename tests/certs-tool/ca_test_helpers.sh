# ca_test_helpers.sh - helpers shared by the certs-tool CA lifecycle tests (certs_sign,
# certs_revoke, certs_ca); sourced after tests/lib/testlib.sh. Needs $CERTS and
# $PKI (ca_test_setup sets PKI).
# shellcheck shell=bash

# ca_test_setup PASSPHRASE: the set-up of the sign and revoke tests: no PKI directory or
# passphrase from the environment, PKI=$LK_TMP/pki (not created yet), PASS = a file holding
# PASSPHRASE, $LK_TMP/wrong-pass = a wrong one, CA = the CA certificate's path.
ca_test_setup() {
  unset LATCHKEY_CA_PASSPHRASE LATCHKEY_PKI_DIR
  PKI=$LK_TMP/pki
  PASS=$LK_TMP/ca-pass
  printf '%s\n' "$1" >"$PASS"
  printf 'wrong\n' >"$LK_TMP/wrong-pass"
  # shellcheck disable=SC2034 # CA is for the tests that source this file
  CA=$PKI/ca/ca.crt
}

# expect_fail DESC REGEX CMD...: CMD must fail with exactly one stderr line matching REGEX.
expect_fail() {
  local desc=$1 re=$2 rc=0; shift 2
  "$@" >"$LK_TMP/last.out" 2>"$LK_TMP/last.err" </dev/null || rc=$?
  [ "$rc" -ne 0 ] || lk_fail "$desc: expected failure, got success"
  [ "$(wc -l <"$LK_TMP/last.err")" -eq 1 ] || lk_fail "$desc: expected one error line, got: $(cat "$LK_TMP/last.err")"
  grep -Eq -- "$re" "$LK_TMP/last.err" || lk_fail "$desc: error '$(cat "$LK_TMP/last.err")' does not match /$re/"
  lk_log "ok (refused): $desc: $(cat "$LK_TMP/last.err")"
}

# snapshot DIR: names, modes and hashes of everything in DIR (a refused verb changes nothing).
snapshot() {
  (cd "$1" && find . -printf '%p %m\n' | LC_ALL=C sort && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}

# expect_unchanged DESC BEFORE: the PKI is exactly as in the snapshot BEFORE.
expect_unchanged() {
  [ "$(snapshot "$PKI")" = "$2" ] || lk_fail "$1: the PKI directory changed"
}

certs() { "$CERTS" -d "$PKI" "$@" </dev/null; }
serial_of() { openssl x509 -in "$1" -noout -serial | cut -d= -f2; }
pubkey_of() { openssl x509 -in "$1" -noout -pubkey; }

# expect_ext TEXT HEADER VALUE: the extension line HEADER is followed by a line containing VALUE.
expect_ext() {
  grep -A1 -F -- "$2" <<<"$1" | tail -n 1 | lk_has -F -- "$3" || lk_fail "expected '$2' followed by '$3' in: $1"
}

# index_field SERIAL COLUMN: a column (1-based) of the inventory line of SERIAL.
index_field() { awk -F'\t' -v s="$1" -v c="$2" '$1 == s { print $c }' "$PKI/index.tsv"; }
