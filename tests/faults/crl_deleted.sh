#!/usr/bin/env bash
# crl_deleted.sh - fault: the gateway's CRL is deleted, then replaced by garbage, while the
# gateway runs. Both fail closed: new handshakes are refused with a clear log line and
# /healthz says why; a good CRL (latchkey-certs crl) ends it without a restart. (An expired
# CRL is covered by tests/gateway/web.sh.)
# usage: crl_deleted.sh SOURCE_DIR BUILD_DIR
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

lk_site_make --door door1
lk_site_metrics
CRL="$PKI/crl.pem"
export LATCHKEY_CA_PASSPHRASE
LATCHKEY_CA_PASSPHRASE=$(cat "$SITE/ca.passphrase")
lk_site_start_broker
lk_site_start_gateway
page_ok() { [ "$(lk_phone "$URL/")" = "200 " ]; }
lk_wait_for 5 "GET / accepted" page_ok

for fault in missing unparsable; do
  lk_log "CRL $fault: new handshakes refused, logged, /healthz 503"
  if [ "$fault" = missing ]; then rm -f "$CRL"; else printf 'not a CRL\n' >"$CRL.tmp" && mv "$CRL.tmp" "$CRL"; fi
  lk_wait_for 3 "'crl ... is $fault' logged" grep -q "crl: $CRL is $fault: refusing every client certificate" "$GATEWAY_LOG"
  out=$(lk_phone "$URL/")
  lk_expect_eq "$out" "curl-failed " "a handshake with the CRL $fault"
  lk_wait_for 3 "refused handshake logged" grep -q "client certificate refused: .*" "$GATEWAY_LOG"
  code=$(curl -sS -o "$LK_TMP/health" -w '%{http_code}' --max-time 5 "$MURL/healthz")
  lk_expect_eq "$code" 503 "/healthz with the CRL $fault"
  grep -q "crl" "$LK_TMP/health" || lk_fail "/healthz reason: $(cat "$LK_TMP/health")"

  lk_log "a good CRL again: accepted without a restart"
  "$BUILD/certs-tool/latchkey-certs" -d "$PKI" crl --out "$CRL" >/dev/null
  lk_wait_for 3 "GET / accepted again" page_ok
  lk_expect_eq "$(curl -sS -o /dev/null -w '%{http_code}' --max-time 5 "$MURL/healthz")" 200 "/healthz after the good CRL"
done
lk_expect_eq "$(grep -c "crl: $CRL reloaded: ok" "$GATEWAY_LOG")" 2 "recoveries logged"
lk_log "deleted and unparsable CRLs fail closed and recover"
