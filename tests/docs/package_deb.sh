#!/usr/bin/env bash
# package_deb.sh BUILD_DIR CPACK - builds the three .deb packages with CPack, checks their
# control data and contents, installs them on this machine with apt-get (dependencies
# must already be satisfied: no download), runs --help and --version of each installed
# binary from /usr/bin (system libraries only), checks that a CA kept on this host, run as
# the installed CRL unit runs it, cannot be read by the gateway's and the device's users,
# checks the state directories made at install and what purge keeps (docs/deployment.md,
# "Removing"), then removes what is left (the "latchkey" and "latchkey-ca" users, the CA
# directory and the CRL directory if this test created them), leaving the machine as it
# was. Needs root.
# A tool's output is captured first and grepped afterwards, never piped into a reader that
# stops early (grep -q, head): under pipefail the writer's SIGPIPE would fail the check.
set -uo pipefail
build=$1 cpack=$2
pkgs=(latchkey-gateway latchkey-device latchkey-certs)
bins=(/usr/bin/latchkey-gateway /usr/bin/latchkey-device /usr/bin/latchkey-certs)
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

if [ "$(id -u)" -ne 0 ]; then
  echo "FAIL: docs_package_deb installs packages and must run as root (CI does)" >&2
  exit 1
fi
# Other checkouts run the same suite on this machine (and integration_deployment installs the
# same packages): one system-changing test at a time, for the whole run.
exec {syslock}>/tmp/latchkey-system.lock
flock -w 1800 "$syslock" || { echo "FAIL: the system lock /tmp/latchkey-system.lock is held for 30 min" >&2; exit 1; }
status_of() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true; }
for p in "${pkgs[@]}"; do
  st=$(status_of "$p")
  if [ -n "$st" ] && [[ "$st" != *not-installed ]]; then
    echo "FAIL: $p is already installed on this machine; this test would replace it." >&2
    echo "      Remove it first (dpkg --purge ${pkgs[*]})." >&2
    exit 1
  fi
done
for b in "${bins[@]}"; do
  [ -e "$b" ] && { echo "FAIL: $b exists outside dpkg's knowledge; not overwriting it" >&2; exit 1; }
done
user_existed=0
getent passwd latchkey >/dev/null && user_existed=1
group_existed=0
getent group latchkey >/dev/null && group_existed=1
ca_user_existed=0 ca_group_existed=0 ca_dir_existed=0 crl_dir_existed=0
getent passwd latchkey-ca >/dev/null && ca_user_existed=1
getent group latchkey-ca >/dev/null && ca_group_existed=1
[ -e /var/lib/latchkey-ca ] && ca_dir_existed=1
[ -e /etc/latchkey/crl ] && crl_dir_existed=1
etc_existed=0
[ -e /etc/latchkey ] && etc_existed=1
state_existed=0
[ -e /var/lib/latchkey ] || [ -e /var/lib/latchkey-device ] && state_existed=1

tmp=$(mktemp -d)
installed=0
cleanup() {
  if [ $installed -eq 1 ]; then
    dpkg --purge "${pkgs[@]}" >"$tmp/purge.log" 2>&1 || { cat "$tmp/purge.log" >&2; echo "FAIL: dpkg --purge" >&2; }
  fi
  # The CA this test made under /var/lib/latchkey-ca and its CRL (purge keeps a non-empty
  # /etc/latchkey/crl), then the users.
  [ $ca_dir_existed -eq 1 ] || rm -rf /var/lib/latchkey-ca
  [ $crl_dir_existed -eq 1 ] || rm -rf /etc/latchkey/crl
  [ $etc_existed -eq 1 ] || rmdir /etc/latchkey 2>/dev/null || true
  [ $state_existed -eq 1 ] || rmdir /var/lib/latchkey /var/lib/latchkey-device 2>/dev/null || true
  if [ $ca_user_existed -eq 0 ] && getent passwd latchkey-ca >/dev/null; then
    userdel latchkey-ca 2>/dev/null || true
  fi
  if [ $ca_group_existed -eq 0 ] && getent group latchkey-ca >/dev/null; then
    groupdel latchkey-ca 2>/dev/null || true
  fi
  if [ $user_existed -eq 0 ] && getent passwd latchkey >/dev/null; then
    userdel latchkey 2>/dev/null || true
  fi
  if [ $group_existed -eq 0 ] && getent group latchkey >/dev/null; then
    groupdel latchkey 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# 1. Build the packages (into a temp dir: the build tree stays clean).
if ! (cd "$build" && "$cpack" -G DEB -B "$tmp/out" >"$tmp/cpack.log" 2>&1); then
  cat "$tmp/cpack.log" >&2
  echo "FAIL: cpack -G DEB" >&2
  exit 1
fi
declare -A deb
for p in "${pkgs[@]}"; do
  built=("$tmp/out/${p}_"*.deb)
  [ -f "${built[0]}" ] || { bad "no ${p}_*.deb built"; continue; }
  deb[$p]=${built[0]}
done
[ $fail -eq 0 ] || exit 1

# 2. Control data and contents.
expect_dep() { # package field-regex what
  grep -qE "$2" <<<"$(dpkg-deb --field "${deb[$1]}" Depends)" || bad "$1: Depends lacks $3: $(dpkg-deb --field "${deb[$1]}" Depends)"
}
for p in "${pkgs[@]}"; do
  info=$(dpkg-deb --info "${deb[$p]}") || { bad "$p: dpkg-deb --info"; continue; }
  for field in Package Version Architecture Maintainer Section Priority Description Depends; do
    grep -q "^ $field: ." <<<"$info" || bad "$p: no $field field"
  done
  [ "$(dpkg-deb --field "${deb[$p]}" Package)" = "$p" ] || bad "$p: wrong Package field"
  # Read the field whole first: with pipefail, "dpkg-deb | head -n1" fails whenever head
  # exits before dpkg-deb's last write (SIGPIPE), which depends on timing.
  synopsis=$(dpkg-deb --field "${deb[$p]}" Description) || { bad "$p: dpkg-deb --field Description"; continue; }
  synopsis=${synopsis%%$'\n'*}
  grep -qE "^Latchkey [A-Za-z ]+:" <<<"$synopsis" || bad "$p: Description synopsis: $synopsis"
  grep -q "postinst" <<<"$info" || bad "$p: no postinst"
  expect_dep "$p" '(^|, )adduser' adduser
  expect_dep "$p" '(^|, )libc6' "libc6 (dpkg-shlibdeps)"
done
expect_dep latchkey-gateway 'libwebsockets[0-9]' libwebsockets
expect_dep latchkey-gateway 'libpaho-mqtt' paho
expect_dep latchkey-gateway 'libsqlite3-0' sqlite3
expect_dep latchkey-gateway 'libcjson1' cjson
expect_dep latchkey-gateway 'libssl3' libssl
expect_dep latchkey-gateway 'libinih' inih
expect_dep latchkey-device 'libwolfssl[0-9]' wolfssl
expect_dep latchkey-device 'libinih' inih
expect_dep latchkey-device 'libgpiod[0-9]' gpiod
expect_dep latchkey-certs 'libssl3' libssl
expect_dep latchkey-certs 'libqrencode[0-9]' qrencode
# The device must never link OpenSSL (docs/firmware.md).
grep -q 'libssl' <<<"$(dpkg-deb --field "${deb[latchkey-device]}" Depends)" && bad "latchkey-device depends on libssl"

expect_file() { # package path
  grep -qE "^[-l]\S+ +\S+ +[0-9]+ \S+ \S+ \.$2\$" <<<"$(dpkg-deb --contents "${deb[$1]}")" || bad "$1 lacks $2"
}
expect_file latchkey-gateway /usr/bin/latchkey-gateway
expect_file latchkey-gateway /etc/latchkey/gateway.conf.example
expect_file latchkey-gateway /usr/lib/systemd/system/latchkey-gateway.service
expect_file latchkey-gateway /usr/share/man/man8/latchkey-gateway.8.gz
expect_file latchkey-gateway /usr/share/man/man5/latchkey-gateway.conf.5.gz
expect_file latchkey-gateway /usr/share/doc/latchkey-gateway/gateway.md
expect_file latchkey-gateway /usr/share/doc/latchkey-gateway/examples/mosquitto/home-bridge.conf
expect_file latchkey-gateway /usr/lib/latchkey/latchkey_revoke.so
expect_file latchkey-device /usr/bin/latchkey-device
expect_file latchkey-device /etc/latchkey/device.conf.example
expect_file latchkey-device /usr/lib/systemd/system/latchkey-device.service
expect_file latchkey-device /usr/share/man/man8/latchkey-device.8.gz
expect_file latchkey-device /usr/share/doc/latchkey-device/firmware.md
expect_file latchkey-device /usr/share/doc/latchkey-device/examples/homeassistant/automations.yaml
expect_file latchkey-certs /usr/bin/latchkey-certs
expect_file latchkey-certs /usr/bin/latchkey-invite-guest
expect_file latchkey-certs /usr/lib/systemd/system/latchkey-crl.service
expect_file latchkey-certs /usr/lib/systemd/system/latchkey-crl.timer
expect_file latchkey-certs /usr/share/man/man1/latchkey-certs.1.gz
expect_file latchkey-certs /usr/share/doc/latchkey-certs/certs.md
# Each package: its own doc directory with a copyright file, and a tmpfiles.d entry for
# its state directory (created at install, before any unit runs).
for p in "${pkgs[@]}"; do
  expect_file "$p" "/usr/share/doc/$p/copyright"
  expect_file "$p" "/usr/lib/tmpfiles.d/$p.conf"
done
for p in latchkey-gateway latchkey-device; do
  conffiles=$(dpkg-deb --ctrl-tarfile "${deb[$p]}" | tar -xO ./conffiles 2>/dev/null) || conffiles=""
  grep -qx "/etc/latchkey/${p#latchkey-}.conf.example" <<<"$conffiles" || bad "$p: template is not a conffile"
done
# No file of one package in another (dpkg would refuse to install them together).
dups=$(for p in "${pkgs[@]}"; do dpkg-deb --contents "${deb[$p]}" | awk '$1 !~ /^d/ {print $6}'; done | sort | uniq -d)
[ -z "$dups" ] || bad "files in more than one package: $dups"
# Units point to the installed paths.
unit=$(dpkg-deb --fsys-tarfile "${deb[latchkey-gateway]}" | tar -xO ./usr/lib/systemd/system/latchkey-gateway.service) || unit=""
grep -q '^ExecStart=/usr/bin/latchkey-gateway -c /etc/latchkey/gateway.conf$' <<<"$unit" || bad "gateway unit ExecStart"
[ $fail -eq 0 ] || exit 1

# 3. Install for real. First a simulation: the dependencies computed by dpkg-shlibdeps
# must be satisfied by what this machine has (nothing else may need installing, so nothing
# is downloaded). (apt-get's --no-download breaks local .deb paths, hence -s.)
sim=$(apt-get install -s "${deb[@]}" 2>&1) || { echo "$sim" >&2; bad "apt-get install -s"; exit 1; }
others=$(awk '$1 == "Inst" {print $2}' <<<"$sim" | grep -vxE 'latchkey-(gateway|device|certs)')
[ -z "$others" ] || { bad "installing the packages would pull in: $others"; exit 1; }
installed=1
# --force-unsafe-io: no fsync per unpacked file (what is checked is what gets installed, not
# its durability); with it a machine under disk load takes seconds here, not minutes.
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=60 \
      -o DPkg::Options::=--force-unsafe-io "${deb[@]}" >"$tmp/apt.log" 2>&1; then
  cat "$tmp/apt.log" >&2
  echo "FAIL: apt-get install of the built packages" >&2
  exit 1
fi
for p in "${pkgs[@]}"; do
  [ "$(status_of "$p")" = "install ok installed" ] || bad "$p is not installed"
done
getent passwd latchkey >/dev/null || bad "postinst did not create the user latchkey"
# The state directories exist from the install on (tmpfiles.d), before any unit runs.
for d in "/var/lib/latchkey latchkey:latchkey 700" "/var/lib/latchkey-device latchkey:latchkey 700" \
         "/var/lib/latchkey-ca latchkey-ca:latchkey-ca 700" "/etc/latchkey/crl latchkey-ca:latchkey-ca 755"; do
  got=$(stat -c '%U:%G %a' "${d%% *}" 2>&1)
  [ "$got" = "${d#* }" ] || bad "${d%% *} after install: '$got', expected '${d#* }'"
done

# 4. Run the installed binaries with only the system's libraries.
for b in "${bins[@]}"; do
  name=${b##*/}
  out=$(env -u LD_LIBRARY_PATH -u LD_PRELOAD "$b" --help 2>&1) || bad "$b --help failed: $out"
  grep -qi "usage" <<<"$out" || bad "$b --help prints no usage"
  out=$(env -u LD_LIBRARY_PATH -u LD_PRELOAD "$b" --version 2>&1) || bad "$b --version failed: $out"
  grep -qE "^$name [0-9]+\.[0-9]+\.[0-9]+$" <<<"$out" || bad "$b --version: '$out'"
  libs=$(ldd "$b" 2>&1) || bad "$b: ldd failed: $libs"
  ! grep -q "not found" <<<"$libs" || bad "$b: unresolved library: $(grep 'not found' <<<"$libs")"
done
MANPATH=/usr/share/man man -w latchkey-gateway.conf >/dev/null 2>&1 || bad "man latchkey-gateway.conf not found after install"

# 5. A CA on this host (docs/operations.md, "Where the CA lives"), made and run as the
# installed CRL unit says: its key and passphrase are out of reach of the users the gateway
# and device units run as; the CRL it writes is readable by them.
getent passwd latchkey-ca >/dev/null || bad "postinst did not create the user latchkey-ca"
[ "$(stat -c '%U %a' /etc/latchkey/crl 2>/dev/null)" = "latchkey-ca 755" ] || bad "/etc/latchkey/crl: $(stat -c '%U %a' /etc/latchkey/crl 2>&1)"
units=/usr/lib/systemd/system
unit_value() { sed -n "s/^$2=//p;T;q" "$units/$1"; } # unit key (the first)
ca_user=$(unit_value latchkey-crl.service User)
[ "$ca_user" = latchkey-ca ] || bad "latchkey-crl.service runs as '$ca_user'"
gw_user=$(unit_value latchkey-gateway.service User) dev_user=$(unit_value latchkey-device.service User)
[ -n "$gw_user" ] && [ -n "$dev_user" ] || bad "no User= in the gateway or device unit"
[ "$gw_user" != "$ca_user" ] && [ "$dev_user" != "$ca_user" ] || bad "the CA shares a user with the gateway or device"
state=/var/lib/$(unit_value latchkey-crl.service StateDirectory)
pki=$(unit_value latchkey-crl.service Environment | sed -n 's/^LATCHKEY_PKI_DIR=//p')
exec_start=$(unit_value latchkey-crl.service ExecStart)
pass=$(sed -n 's/.*--passphrase-file \([^ ]*\).*/\1/p' <<<"$exec_start")
crl=$(sed -n 's/.*--out \([^ ]*\).*/\1/p' <<<"$exec_start")
install -d -m "$(unit_value latchkey-crl.service StateDirectoryMode)" -o "$ca_user" -g "$ca_user" "$state" # as systemd does
as_ca() { runuser -u "$ca_user" -- env LATCHKEY_PKI_DIR="$pki" "$@"; }
as_ca sh -c "umask 077; head -c 24 /dev/urandom | base64 >'$pass' && chmod 0400 '$pass'" || bad "passphrase as $ca_user"
as_ca latchkey-certs init --name "Package test" --passphrase-file "$pass" >"$tmp/init.log" 2>&1 || { cat "$tmp/init.log" >&2; bad "init as $ca_user"; }
as_ca sh -c "umask $(unit_value latchkey-crl.service UMask); $exec_start" >"$tmp/crl.log" 2>&1 || { cat "$tmp/crl.log" >&2; bad "the unit's ExecStart as $ca_user"; }
[ "$(stat -c %a "$crl" 2>/dev/null)" = 644 ] || bad "the CRL $crl is not 0644: $(stat -c %a "$crl" 2>&1)"
[ -s "$pki/ca/ca.key" ] || bad "no CA key at $pki/ca/ca.key"
for u in "$gw_user" "$dev_user"; do
  runuser -u "$u" -- cat "$crl" >/dev/null 2>&1 || bad "$u cannot read the CRL $crl"
  runuser -u "$u" -- cat "$pki/ca/ca.key" >/dev/null 2>&1 && bad "$u can read the CA key"
  runuser -u "$u" -- cat "$pass" >/dev/null 2>&1 && bad "$u can read the CA passphrase"
  runuser -u "$u" -- ls "$pki" >/dev/null 2>&1 && bad "$u can list the CA directory"
done

# 6. Purge as docs/deployment.md ("Removing") says: an empty state directory goes, one
# holding data (the CA made above) stays, and so do the users.
if dpkg --purge "${pkgs[@]}" >"$tmp/purge.log" 2>&1; then
  installed=0
  if [ $state_existed -eq 0 ]; then
    [ ! -e /var/lib/latchkey-device ] || bad "purge left the empty /var/lib/latchkey-device"
    [ ! -e /var/lib/latchkey ] || bad "purge left the empty /var/lib/latchkey"
  fi
  [ -s "$pki/ca/ca.key" ] || bad "purge removed the CA kept in /var/lib/latchkey-ca"
  getent passwd latchkey >/dev/null || bad "purge removed the user latchkey"
else
  cat "$tmp/purge.log" >&2; bad "dpkg --purge"
fi

[ $fail -eq 0 ] && echo "packages: ${pkgs[*]} built, installed, ran, removed"
exit $fail
