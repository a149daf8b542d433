#!/usr/bin/env bash
# Installs, from Debian 12 packages, what Latchkey needs. Two sets:
#   --runtime  what building the three programs, running them (scripts/demo.sh) and making
#              the .deb packages need: compiler, CMake, the libraries' -dev packages,
#              Mosquitto and its plugin headers (broker/), curl, dpkg-dev
#   --test     the runtime set plus what scripts/test.sh needs on top: cmocka, clang and
#              libFuzzer's runtime, valgrind, the ARM cross compiler, Chromium and Node.js,
#              testssl.sh, the peers the tests talk to (mosquitto-clients, openssl, NSS
#              tools, Python h2 / websockets clients, micromdm's scepclient), man page tools, stress-ng, for
#              the microcontroller image QEMU and Debian's wolfSSL source, for
#              integration_deployment systemd (systemd-analyze, systemd-tmpfiles) and
#              util-linux (setpriv, runuser), and certbot and the pebble ACME test server
#              (integration_acme) (the default)
#   --list     prints the chosen set, one package a line, and installs nothing
# Idempotent: packages already present are skipped. Installing needs root.
set -euo pipefail

usage() { echo "usage: install-deps.sh [--runtime | --test] [--list]" >&2; exit 2; }
SET=test LIST=0
for a in "$@"; do
  case "$a" in
    --runtime) SET=runtime ;;
    --test) SET="test" ;;
    --list) LIST=1 ;;
    *) usage ;;
  esac
done

RUNTIME_PACKAGES=(
  build-essential cmake pkg-config
  libssl-dev libwebsockets-dev libpaho-mqtt-dev libsqlite3-dev libcjson-dev libinih-dev
  libwolfssl-dev libjsmn-dev libgpiod-dev libqrencode-dev
  mosquitto mosquitto-dev libmosquitto-dev curl iproute2
  dpkg-dev file adduser
)
TEST_PACKAGES=(
  git ca-certificates openssl
  libcmocka-dev
  clang libclang-rt-14-dev llvm valgrind
  cppcheck clang-tidy clang-format shellcheck
  gcc-arm-none-eabi libnewlib-arm-none-eabi
  mosquitto-clients libnss3-tools procps sqlite3
  libxml2-utils scep
  man-db groff-base mandoc
  python3-websockets python3-h2 libwslay-dev
  chromium testssl.sh faketime
  easy-rsa
  stress-ng
  qemu-system-arm
  systemd util-linux
  certbot pebble
)

PACKAGES=("${RUNTIME_PACKAGES[@]}")
if [ "$SET" = test ]; then
  PACKAGES+=("${TEST_PACKAGES[@]}")
  # Browser tests drive Chromium with playwright-core from npm: Node.js is needed (the
  # machines ship one; Debian's is the fallback).
  command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)
fi

if [ "$LIST" -eq 1 ]; then
  printf '%s\n' "${PACKAGES[@]}"
  exit 0
fi

# Test set: the microcontroller image builds Debian's own wolfSSL source (the version of
# libwolfssl-dev) for Cortex-M: fetched into a cache outside the source tree.
fetch_mcu_sources() {
  [ "$SET" = test ] || return 0
  bash "$(dirname "$0")/fetch-wolfssl-source.sh" >/dev/null
}

missing=()
for p in "${PACKAGES[@]}"; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" = "install ok installed" ] || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all $SET packages present"
  fetch_mcu_sources
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages (${missing[*]}) and not root; install them and re-run" >&2
  exit 1
fi

echo "install-deps: installing ${#missing[@]} $SET package(s): ${missing[*]}"
echo "install-deps: (downloading and unpacking; this can take a few minutes on a fresh machine)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fetch_mcu_sources
echo "install-deps: done"
