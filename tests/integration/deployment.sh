#!/usr/bin/env bash
# deployment.sh - docs/deployment.md word for word on three simulated hosts: a CA machine,
# a VPS (door.example.org: gateway + Mosquitto) and a home host (broker.home.lan: Mosquitto
# bridging out to the VPS + the device). Each host is a network namespace of its own on one
# bridge (192.0.2.2, .3, .4: TEST-NET-1, never routed) with a mount namespace in which its
# own copies of /etc/latchkey, /etc/mosquitto, /etc/hosts, the state directories and root's
# home are mounted: what one host's commands write, the others do not see. The doc's
# command blocks (marked "<!-- deployment-test: HOST -->") are extracted and run as they
# are, in order, as root on their host; the .deb packages built from this tree are in the
# current directory there, so the doc's own apt-get lines install them. systemd is not
# PID 1 here: tests/integration/deployment/systemctl stands in for systemctl and starts
# each unit as its unit file says (ExecStart, User, Group, directories). Checked: the units
# pass systemd-analyze verify; the state directories exist after install; owners and modes
# of what install.sh installed (keys not world-readable, readable by their service, the
# CRL readable by mosquitto); a phone (curl with the exported .p12) opens the door through
# the VPS <-> home bridge; a new CRL reaches both brokers and the gateway without a restart.
# Holds the system lock for its whole run and undoes everything (packages, users,
# namespaces). Needs root. usage: deployment.sh SOURCE_DIR BUILD_DIR CPACK
# shellcheck disable=SC2317 # functions called from traps and through host_run
set -uo pipefail
ROOT=$1 BUILD=$2 CPACK=$3
[ "$(id -u)" -eq 0 ] || { echo "FAIL: integration_deployment installs packages and must run as root" >&2; exit 1; }
. "$ROOT/tests/lib/testlib.sh"
set +e # testlib sets -e; this test checks each step's status itself

# Other checkouts run the same suite on this machine: one system-changing test at a time.
exec {LK_SYSLOCK}>/tmp/latchkey-system.lock
flock -w 1800 "$LK_SYSLOCK" || lk_fail "the system lock /tmp/latchkey-system.lock is held for 30 min"

pkgs=(latchkey-gateway latchkey-device latchkey-certs)
hosts=(ca vps home)
declare -A ip=([ca]=192.0.2.2 [vps]=192.0.2.3 [home]=192.0.2.4)
NS=lkdep$$
T=$LK_TMP
PIN=482916
# Paths each host has its own copy of (bind-mounted over the real ones inside the host).
private=(/etc/latchkey /etc/mosquitto /var/lib/latchkey /var/lib/latchkey-device /var/lib/latchkey-ca
         /var/lib/mosquitto /run/mosquitto /var/log/mosquitto)
status_of() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true; }
for p in "${pkgs[@]}"; do
  st=$(status_of "$p")
  [ -z "$st" ] || [[ "$st" == *not-installed ]] || lk_fail "$p is already installed here; this test would replace it"
done
command -v mosquitto >/dev/null || lk_fail "mosquitto is not installed (scripts/install-deps.sh installs it)"
made_dirs=() created_users=()
for u in latchkey latchkey-ca; do getent passwd "$u" >/dev/null || created_users+=("$u"); done

cleanup() {
  local rc=$? h f pid
  for h in "${hosts[@]}"; do
    for f in "$T/$h/run/"*.pid; do
      [ -f "$f" ] || continue
      pid=$(cat "$f")
      kill -TERM "$pid" 2>/dev/null || true
    done
  done
  for h in "${hosts[@]}"; do
    for f in "$T/$h/run/"*.pid; do
      [ -f "$f" ] || continue
      pid=$(cat "$f")
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    done
  done
  if [ "$rc" -ne 0 ]; then
    for f in "$T"/*/run/*.log "$T"/*.log; do
      [ -f "$f" ] || continue
      echo "----- ${f#"$T"/} (last 30 lines)" >&2
      tail -n 30 "$f" >&2
    done
  fi
  for h in "${hosts[@]}" net; do ip netns del "$NS$h" 2>/dev/null || true; done
  # dpkg fails at once while something else holds its lock (apt of another program): the
  # purge is tried again until it gets it, for at most 10 minutes.
  local installed purged=0
  for _ in $(seq 1 600); do
    installed=()
    for p in "${pkgs[@]}"; do # installed, half-installed or only its conffiles left
      st=$(status_of "$p"); [ -z "$st" ] || [[ "$st" == *not-installed ]] || installed+=("$p")
    done
    [ "${#installed[@]}" -gt 0 ] || { purged=1; break; }
    dpkg --purge "${installed[@]}" >"$T/purge.log" 2>&1 && { purged=1; break; }
    grep -q "lock" "$T/purge.log" || break
    sleep 1
  done
  [ "$purged" -eq 1 ] || { cat "$T/purge.log" >&2; echo "FAIL: dpkg --purge ${installed[*]}" >&2; rc=1; }
  for u in "${created_users[@]}"; do
    getent passwd "$u" >/dev/null && userdel "$u" 2>/dev/null
    getent group "$u" >/dev/null && groupdel "$u" 2>/dev/null
  done
  for ((i = ${#made_dirs[@]} - 1; i >= 0; i--)); do rmdir "${made_dirs[$i]}" 2>/dev/null || true; done
  [ -n "${LK_KEEP_TMP:-}" ] || rm -rf "$T"
  exit "$rc"
}
trap cleanup EXIT

# 1. The packages, into each host's home directory (the doc installs them from there).
(cd "$BUILD" && "$CPACK" -G DEB -B "$T/debs" >"$T/cpack.log" 2>&1) || lk_fail "cpack -G DEB: $(tail -n 20 "$T/cpack.log")"
sim=$(apt-get install -s "$T"/debs/*.deb 2>&1) || lk_fail "apt-get install -s: $sim"
others=$(awk '$1 == "Inst" {print $2}' <<<"$sim" | grep -vxE 'latchkey-(gateway|device|certs)')
[ -z "$others" ] || lk_fail "installing the packages would download: $others"

# 2. The hosts: network namespaces on one bridge, their private directories and /etc/hosts.
ip netns add "${NS}net" || lk_fail "ip netns add (needs CAP_SYS_ADMIN and CAP_NET_ADMIN)"
ip -n "${NS}net" link add br0 type bridge && ip -n "${NS}net" link set br0 up || lk_fail "bridge"
for h in "${hosts[@]}"; do
  ip netns add "$NS$h" || lk_fail "ip netns add $NS$h"
  ip link add "lkd$$$h" netns "${NS}net" type veth peer name eth0 netns "$NS$h" || lk_fail "veth for $h"
  ip -n "${NS}net" link set "lkd$$$h" master br0 up
  ip -n "$NS$h" addr add "${ip[$h]}/24" dev eth0
  ip -n "$NS$h" link set eth0 up
  ip -n "$NS$h" link set lo up
  mkdir -p "$T/$h/home" "$T/$h/run" "$T/$h/bin"
  for d in "${private[@]}"; do
    [ -d "$d" ] || { mkdir -p "$d" && made_dirs+=("$d"); }
    m="$T/$h/fs${d//\//_}"
    mkdir -p "$m"
  done
  cp -a /etc/mosquitto/. "$T/$h/fs_etc_mosquitto/"
  { echo "127.0.0.1 localhost"; echo "::1 localhost"
    echo "${ip[vps]} door.example.org"; echo "${ip[home]} broker.home.lan"; } >"$T/$h/hosts"
  cp "$T"/debs/*.deb "$T/$h/home/"
  install -m 0755 "$ROOT/tests/integration/deployment/systemctl" "$T/$h/bin/systemctl"
done

# host_run HOST CMD...: CMD as root on HOST (its namespaces, mounts, PATH with the systemctl
# stand-in, HOME), from its home directory.
host_run() {
  local h=$1; shift
  # shellcheck disable=SC2016 # expanded by the inner shell
  ip netns exec "$NS$h" bash -c '
    set -e
    h=$1 T=$2; shift 2
    mount --make-rprivate /
    for d in /etc/latchkey /etc/mosquitto /var/lib/latchkey /var/lib/latchkey-device /var/lib/latchkey-ca \
             /var/lib/mosquitto /run/mosquitto /var/log/mosquitto; do
      mount --bind "$T/$h/fs${d//\//_}" "$d"
    done
    mount --bind "$T/$h/hosts" /etc/hosts
    export HOME=$T/$h/home LK_HOST_RUN=$T/$h/run PATH=$T/$h/bin:/usr/sbin:/usr/bin:/sbin:/bin
    cd "$HOME"
    exec "$@"' host "$h" "$T" "$@"
}

# 3. The doc's blocks, in order: HOST<TAB>file.
mkdir -p "$T/blocks"
awk -v dir="$T/blocks" '
  /^<!-- deployment-test: [a-z]+ -->$/ { host = $3; want = 1; next }
  want && /^```sh$/ { n++; f = sprintf("%s/%02d-%s.sh", dir, n, host); print host "\t" f; inblock = 1; want = 0; next }
  inblock && /^```$/ { inblock = 0; close(f); next }
  inblock { print > f }
  { want = 0 }' "$ROOT/docs/deployment.md" >"$T/blocks.tsv"
[ "$(wc -l <"$T/blocks.tsv")" -ge 7 ] || lk_fail "docs/deployment.md: expected at least 7 tagged command blocks, found $(wc -l <"$T/blocks.tsv")"
export LATCHKEY_CA_PASSPHRASE="deployment test passphrase" # what "asks for the CA passphrase" gets
# The doc's apt-get lines wait for dpkg's lock (apt run by something else on this machine)
# instead of failing at once, and answer "yes" as the reader would: an apt.conf of the
# test's; the command lines stay the doc's.
printf 'DPkg::Lock::Timeout "600";\nDPkg::Options:: "--force-unsafe-io";\nAPT::Get::Assume-Yes "true";\n' >"$T/apt.conf"
export APT_CONFIG=$T/apt.conf
# run_block N: runs block N of blocks.tsv on its host (stdin: the PIN, for "asks for alice's PIN").
run_block() {
  local line host file
  line=$(sed -n "${1}p" "$T/blocks.tsv"); host=${line%%$'\t'*}; file=${line#*$'\t'}
  lk_log "doc block $1 on $host: $(tr '\n' ';' <"$file" | cut -c1-150)"
  printf '%s\n' "$PIN" >"$T/pin"
  DEBIAN_FRONTEND=noninteractive host_run "$host" bash -eu "$file" <"$T/pin" >"$T/block$1.log" 2>&1 ||
    lk_fail "doc block $1 on $host failed: $(tail -n 20 "$T/block$1.log")"
}
# carry NAME FROM TO: what the doc says to copy with scp.
carry() { rm -rf "${T:?}/$3/home/$1"; cp -a "$T/$2/home/$1" "$T/$3/home/$1"; }

run_block 1                       # CA: the PKI and the two bundles
carry vps ca vps; carry home ca home
for b in vps home; do # the generated install scripts are clean POSIX sh
  out=$(shellcheck -S warning -s sh "$T/ca/home/$b/install.sh" 2>&1) || lk_fail "$b/install.sh: $out"
done
run_block 2                       # VPS
run_block 3                       # home
run_block 4                       # CA: the phone's .p12
P12PW=$(sed -n 's/^password: //p' "$T/block4.log")
[ -n "$P12PW" ] || lk_fail "export printed no password"

# 4. What the packages and install.sh left behind.
for u in latchkey-gateway.service latchkey-device.service latchkey-crl.service latchkey-crl.timer; do
  out=$(systemd-analyze verify "/usr/lib/systemd/system/$u" 2>&1) || lk_fail "systemd-analyze verify $u: $out"
done
# expect_stat HOST PATH "USER:GROUP MODE"
expect_stat() { local got; got=$(host_run "$1" stat -c '%U:%G %a' "$2" 2>&1); lk_expect_eq "$got" "$3" "$1: $2"; }
expect_stat vps /var/lib/latchkey "latchkey:latchkey 700"
expect_stat home /var/lib/latchkey-device "latchkey:latchkey 700"
expect_stat ca /var/lib/latchkey-ca "latchkey-ca:latchkey-ca 700"
expect_stat vps /etc/latchkey/crl/crl.pem "root:root 644"
expect_stat vps /etc/latchkey/pki/private/door.example.org.key "root:latchkey 640"
expect_stat vps /etc/latchkey/pki/cmd/command.key "root:latchkey 640"
expect_stat vps /etc/latchkey/gateway.conf "root:latchkey 640"
expect_stat vps /etc/mosquitto/latchkey/server.key "root:mosquitto 640"
expect_stat home /etc/latchkey/device/device.key "root:latchkey 640"
expect_stat home /etc/mosquitto/latchkey/bridge.key "root:mosquitto 640"
expect_stat vps /var/lib/latchkey/pepper "latchkey:latchkey 600"
for h in vps home; do
  host_run "$h" runuser -u mosquitto -- cat /etc/latchkey/crl/crl.pem >/dev/null 2>&1 || lk_fail "$h: mosquitto cannot read the CRL"
  host_run "$h" runuser -u nobody -- cat /etc/mosquitto/latchkey/server.key >/dev/null 2>&1 && lk_fail "$h: the broker key is readable by others"
done
host_run vps runuser -u nobody -- cat /etc/latchkey/pki/private/gateway.key >/dev/null 2>&1 && lk_fail "vps: the gateway key is readable by others"
for hf in vps:/etc/mosquitto/conf.d/latchkey.conf vps:/etc/latchkey/gateway.conf home:/etc/mosquitto/conf.d/latchkey.conf \
          home:/etc/mosquitto/conf.d/latchkey-bridge.conf home:/etc/latchkey/device/device.conf; do
  text=$(host_run "${hf%%:*}" cat "${hf#*:}") || lk_fail "$hf is not installed"
  [[ "$text" != *"$T"* && "$text" != *latchkey-pki* ]] || lk_fail "$hf names the CA machine's paths"
done
expect_stat ca /etc/latchkey/crl "latchkey-ca:latchkey-ca 755"
lk_log "ok: units verify, state directories, owners and modes"

# 5. The services came up as their users, the bridge connected, the device is online.
pid_of() { cat "$T/$1/run/$2.pid" 2>/dev/null; }
user_of() { ps -o user= -p "$1" 2>/dev/null | tr -d ' '; }
for hu in vps:latchkey-gateway.service:latchkey home:latchkey-device.service:latchkey; do
  IFS=: read -r h u want <<<"$hu"
  p=$(pid_of "$h" "$u") && kill -0 "$p" 2>/dev/null || lk_fail "$h: $u is not running"
  lk_expect_eq "$(user_of "$p")" "$want" "$h: user of $u"
done
gw_log=$T/vps/run/latchkey-gateway.service.log
lk_wait_for 30 "the gateway connected to the broker" grep -q "connected and subscribed" "$gw_log"
lk_wait_for 30 "the bridge reached the VPS broker" grep -q "as home/front" "$T/vps/run/mosquitto.service.log"
dev_log=$T/home/run/latchkey-device.service.log
lk_wait_for 30 "the device connected to the home broker" grep -q "MQTT connected as" "$dev_log"

# 6. The operator's own ACL lines (acl.local, on the CA machine) survive regeneration: a
# read-only monitoring identity as in the doc's example, issued on the CA.
host_run ca env LATCHKEY_PKI_DIR="$T/ca/home/latchkey-pki" latchkey-certs issue client monitor >/dev/null ||
  lk_fail "issue client monitor"
printf 'user monitor\ntopic read latchkey/+/+/availability\ntopic read latchkey/+/+/state\n' >>"$T/ca/home/vps/mosquitto/acl.local"

# 7. A new CRL, carried as the doc says, picked up without a restart.
vps_broker=$(pid_of vps mosquitto.service) home_broker=$(pid_of home mosquitto.service) gw=$(pid_of vps latchkey-gateway.service)
crl_reloads() { grep -c "crl: .* reloaded: ok\$" "$gw_log" 2>/dev/null || true; }
reloads=$(crl_reloads)
old_num=$(openssl crl -in "$T/vps/fs_etc_latchkey/crl/crl.pem" -noout -crlnumber)
run_block 5                       # CA: crl + bundles
carry vps ca vps; carry home ca home
run_block 6                       # VPS: install.sh
run_block 7                       # home: install.sh
for h in vps home; do
  new_num=$(openssl crl -in "$T/$h/fs_etc_latchkey/crl/crl.pem" -noout -crlnumber)
  [ "$new_num" != "$old_num" ] || lk_fail "$h: the CRL was not replaced ($new_num)"
  lk_wait_for 10 "$h: mosquitto reloaded" grep -q "Reloading config" "$T/$h/run/mosquitto.service.log"
done
lk_wait_for 15 "the gateway reloaded the CRL" test "$(crl_reloads)" -gt "$reloads"
lk_expect_eq "$(pid_of vps mosquitto.service) $(pid_of home mosquitto.service) $(pid_of vps latchkey-gateway.service)" \
  "$vps_broker $home_broker $gw" "PIDs after the CRL refresh (no restart)"
for p in "$vps_broker" "$home_broker" "$gw"; do kill -0 "$p" 2>/dev/null || lk_fail "a service died after the CRL refresh"; done
host_run vps grep -qx "user monitor" /etc/mosquitto/latchkey/acl || lk_fail "the VPS acl lost the operator's acl.local lines"
for f in vps:/etc/latchkey/gateway.conf.bundle home:/etc/latchkey/device/device.conf.bundle; do
  host_run "${f%%:*}" test -e "${f#*:}" && lk_fail "${f#*:}: an unchanged config was set aside again"
done
lk_log "ok: a new CRL reached both brokers and the gateway without a restart"
# 8. The phone's tap, from the CA's network (the internet), through the bridge.
P12=$T/ca/home/alice.p12 CACRT=$T/ca/home/latchkey-pki/ca/ca.crt URL=https://door.example.org
phone() { # phone CURL_ARGS...: prints "<status> <data-result>"
  local code
  code=$(host_run ca curl -sS -o "$T/body" -w '%{http_code}' --max-time 20 --cacert "$CACRT" \
    --cert-type P12 --cert "$P12:$P12PW" "$@" 2>"$T/curl.err") || code="curl-failed:$(cat "$T/curl.err")"
  echo "$code $(sed -n 's/.*data-result="\([a-z-]*\)".*/\1/p;T;q' "$T/body" 2>/dev/null)"
}
tap() {
  local tok
  phone "$URL/" >/dev/null
  tok=$(lk_csrf_of "$T/body")
  phone -H "Origin: $URL" -d "csrf=$tok" -d "pin=$PIN" -d door=front "$URL/action"
}
relay_ons() { grep -c ' on$' "$T/home/fs_var_lib_latchkey-device/relay.log" 2>/dev/null || true; }
opened_once() { # opened_once BEFORE: a tap answered "opened" and the relay pulsed once more
  local out
  out=$(tap)
  lk_expect_eq "$out" "200 opened" "tap through the bridge"
  lk_wait_for 10 "relay pulse" test "$(relay_ons)" -gt "$1"
}
# The door is online on the VPS (its retained availability came over the bridge), read as
# the monitoring identity that acl.local let in.
PKI=$T/ca/home/latchkey-pki
online() {
  [ "$(host_run ca mosquitto_sub -h door.example.org -p 8883 --cafile "$PKI/ca/ca.crt" --cert "$PKI/issued/monitor.crt" \
        --key "$PKI/private/monitor.key" -t latchkey/home/front/availability -C 1 -W 2 2>/dev/null)" = online ]
}
lk_wait_for 30 "door front online on the VPS broker (read as monitor)" online
out=$(phone "$URL/")
lk_expect_eq "${out%% *}" 200 "GET / with alice's .p12"
opened_once "$(relay_ons)"
lk_log "ok: a tap opened the door through the bridge"

lk_log "PASS"
