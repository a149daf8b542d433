#!/usr/bin/env bash
# backup_restore.sh - docs/operations.md "Back up and restore", its command blocks run word
# for word (with the site's paths for /etc/latchkey/gateway.conf and /root, and this
# build's programs first on PATH): a backup taken while the gateway runs; then the site is
# gone (moved away, as on a new machine); restore and --check-config; the gateway starts
# again on the restored files and alice's PIN still opens the door (pepper and database
# back), her earlier tap is in the audit, and the CA's PKI is back (latchkey-certs list).
# A restore onto a file that differs is refused.
# usage: backup_restore.sh SOURCE_DIR BUILD_DIR
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

DOC="$ROOT/docs/operations.md"
mkdir -p "$LK_TMP/bin"
ln -s "$BUILD/gateway/latchkey-gateway" "$BUILD/certs-tool/latchkey-certs" "$LK_TMP/bin/"
export PATH="$LK_TMP/bin:$PATH"
# doc_run MARKER: the doc's block, each line with the test's paths, run in $LK_TMP.
doc_run() {
  local block line
  block=$(lk_doc_block "$DOC" "$1")
  [ -n "$block" ] || lk_fail "no block $1 in $DOC"
  while IFS= read -r line; do
    line=${line//\/etc\/latchkey\/gateway.conf/$CONF}
    line=${line//\/root\//$LK_TMP\/}
    lk_log "doc: $line"
    (cd "$LK_TMP" && eval "$line") || lk_fail "the doc's line failed: $line"
  done <<<"$block"
}

lk_site_make --door "door1:Front door" --pin 246810
export LATCHKEY_PKI_DIR=$PKI
# crl names a directory: the gateway keeps one CRL number floor per CA
# (gateway.db.crl-number.HASH), which the backup must carry; the directory itself is the
# operator's to back up (the backup says so), put back by hand below.
mkdir "$SITE/crls" && cp "$PKI/crl.pem" "$SITE/crls/"
sed -i "s|^crl = .*|crl = $SITE/crls|" "$CONF"
lk_site_start_broker
lk_site_start_device door1
DEVICE_PID=$LK_LAST_PID
lk_site_start_gateway
lk_site_wait_online door1
lk_expect_eq "$(lk_post -d "pin=$PIN" -d door=door1 "$URL/action")" "200 opened" "a tap before the backup"

lk_log "back up while the gateway runs"
doc_run backup-commands
doc_run pki-backup-commands
[ -s "$LK_TMP/latchkey-backup/manifest" ] || lk_fail "no manifest"
lk_expect_eq "$(stat -c %a "$LK_TMP/latchkey-backup")" 700 "mode of the backup directory"
for f in gateway.conf gateway.pepper gateway.db command.key 'gateway.db.crl-number.[0-9a-f]\{16\}'; do
  lk_has " $SITE/.*$f\$\| $PKI/.*$f\$" <"$LK_TMP/latchkey-backup/manifest" || lk_fail "$f not in the manifest"
done
lk_stop "$GW_PID"

lk_log "a restore never overwrites a file that differs"
echo "; changed" >>"$CONF"
if latchkey-gateway -c "$CONF" restore "$LK_TMP/latchkey-backup" >"$LK_TMP/refused.log" 2>&1; then
  lk_fail "restore overwrote a changed config"
fi
lk_has "$CONF exists and differs from the backup" <"$LK_TMP/refused.log" || lk_fail "refusal: $(cat "$LK_TMP/refused.log")"

lk_log "the machine is gone: restore from the backup"
lk_stop "$DEVICE_PID"
lk_stop "$BROKER_PID"
mv "$SITE" "$LK_TMP/old-site"
# The CRL directory, the operator's own to back up, first (the doc's restore checks the config).
mkdir "$SITE" && cp -r "$LK_TMP/old-site/crls" "$SITE/"
doc_run restore-commands
doc_run pki-restore-commands
for f in "$LK_TMP"/old-site/gateway.db.crl-number.*; do
  cmp -s "$f" "$SITE/${f##*/}" || lk_fail "the per-CA CRL number floor ${f##*/} was not restored"
done
lk_expect_eq "$(stat -c %a "$PKI/private/gateway.key")" "$(stat -c %a "$LK_TMP/old-site/pki/private/gateway.key")" "mode of a restored key"
lk_expect_eq "$(stat -c %a "$SITE/gateway.pepper")" 600 "mode of the restored pepper"
lk_has -E "^[0-9A-F]+ +client +alice " <<<"$(latchkey-certs list)" || lk_fail "the PKI inventory is not back"

lk_log "the gateway runs on the restored files"
# The broker and the device are not the gateway's: they come back as they were.
cp -r "$LK_TMP/old-site/broker" "$LK_TMP/old-site/device-door1.conf" "$SITE/"
lk_site_start_broker
lk_site_start_device door1
lk_site_start_gateway
lk_site_wait_online door1
lk_expect_eq "$(lk_post -d "pin=$PIN" -d door=door1 "$URL/action")" "200 opened" "alice's PIN after the restore"
lk_has "alice" <<<"$(lk_site_gw audit --since 1h)" || lk_fail "the earlier tap is not in the audit"
lk_expect_eq "$(lk_site_gw audit --since 1h | grep -c opened)" 2 "opens in the restored audit (one before, one after)"
lk_log "all backup and restore checks passed"
