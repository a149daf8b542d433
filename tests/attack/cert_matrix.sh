#!/usr/bin/env bash
# cert_matrix.sh - one case of the certificate attack matrix against the gateway (HTTPS)
# or the broker (MQTT over TLS), both real, on loopback. A forged certificate must be
# refused in the TLS handshake; a good certificate of a name that is no user must get 403.
# usage: cert_matrix.sh SOURCE_DIR BUILD_DIR gateway|broker CASE
ROOT=$1 BUILD=$2 TARGET=$3 CASE=$4
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"
PROBE="$BUILD/tests/attack/tls_probe"

lk_site_make --pin 123456
bash "$ROOT/tests/attack/make_bad_certs.sh" "$SITE" "$LK_TMP/bad"

# Cases that need the site's own tools: a real user whose certificate was revoked (CRL
# re-published before the servers start), and a real user who was disabled.
certs() { lk_site_certs "$@" >/dev/null; }
gwcli() { lk_site_gw "$@" >/dev/null; }
case "$CASE" in
  revoked)
    certs issue client bob
    echo 112233 | gwcli user add bob
    certs revoke bob --reason keyCompromise
    certs crl --out "$PKI/crl.pem"
    cp "$PKI/issued/bob.crt" "$LK_TMP/bad/revoked.crt"; cp "$PKI/private/bob.key" "$LK_TMP/bad/revoked.key" ;;
  disabled-user)
    certs issue client dave
    echo 445566 | gwcli user add dave
    gwcli user disable dave
    cp "$PKI/issued/dave.crt" "$LK_TMP/bad/disabled-user.crt"; cp "$PKI/private/dave.key" "$LK_TMP/bad/disabled-user.key" ;;
esac

# On the broker a valid certificate is one of a broker identity (its CN has an ACL block):
# attack-probe, the client id tls_probe sends. A phone's (alice, valid for the gateway) is
# the broker's unknown user: it passes TLS and is refused at CONNECT (return code 5).
if [ "$TARGET" = broker ]; then
  lk_site_test_identity attack-probe
  cp "$PKI/issued/attack-probe.crt" "$LK_TMP/bad/valid.crt"; cp "$PKI/private/attack-probe.key" "$LK_TMP/bad/valid.key"
  cp "$PKI/issued/alice.crt" "$LK_TMP/bad/unknown-user.crt"; cp "$PKI/private/alice.key" "$LK_TMP/bad/unknown-user.key"
fi
lk_site_start_broker
if [ "$TARGET" = gateway ]; then
  lk_site_start_gateway --no-mqtt
  PORT=$GATEWAY_PORT MODE=http
else
  PORT=$BROKER_PORT MODE=mqtt
fi

cert_args=()
[ "$CASE" = no-cert ] || cert_args=("$LK_TMP/bad/$CASE.crt" "$LK_TMP/bad/$CASE.key")
set +e
answer=$("$PROBE" "$MODE" localhost "$PORT" "$PKI/ca/ca.crt" "${cert_args[@]}")
rc=$?
set -e
lk_log "$TARGET / $CASE: exit $rc: $answer"

case "$TARGET/$CASE" in
  gateway/valid)        [ "$rc" -eq 0 ] && [[ "$answer" == "HTTP/1.1 200"* ]] || lk_fail "valid certificate not served" ;;
  gateway/unknown-user|gateway/disabled-user)
                        [ "$rc" -eq 0 ] && [[ "$answer" == "HTTP/1.1 403"* ]] || lk_fail "$CASE not answered 403" ;;
  broker/valid)         [ "$rc" -eq 0 ] && [ "$answer" = "CONNACK received return code 0" ] || lk_fail "valid certificate not accepted" ;;
  broker/unknown-user)  [ "$rc" -eq 0 ] && [ "$answer" = "CONNACK received return code 5" ] || lk_fail "a phone's certificate not refused at CONNECT" ;;
  *)
    # Refused in TLS: the handshake fails, or the server closes before any answer
    # (with TLS 1.3 the client learns of a refused certificate only after its Finished).
    [ "$rc" -eq 3 ] || [ "$rc" -eq 4 ] || lk_fail "forged certificate got an answer: $answer"
    ;;
esac
# The gateway must have refused for the right reason (OpenSSL's verify error, logged).
declare -A REASON=(
  [other-ca]="unable to get local issuer certificate" [expired]="certificate has expired"
  [not-yet-valid]="certificate is not yet valid" [server-eku]="unsuitable certificate purpose"
  [ca-as-client]="unsuitable certificate purpose" [self-signed]="self-signed certificate"
  [leaf-by-leaf]="invalid CA certificate" [rsa1024]="EE certificate key too weak"
  [sha1]="CA signature digest algorithm too weak" [revoked]="certificate revoked")
if [ "$TARGET" = gateway ] && [ -n "${REASON[$CASE]:-}" ]; then
  logged() { grep -qF "client certificate refused: ${REASON[$CASE]}" "$GATEWAY_LOG"; }
  lk_wait_for 3 "gateway log: refused with '${REASON[$CASE]}'" logged
fi
lk_log "$TARGET / $CASE: as expected"
