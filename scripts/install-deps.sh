#!/usr/bin/env bash
# Installs, from Debian 12 packages, everything Latchkey needs to build, run and test.
# Idempotent: packages already present are skipped by apt. Must run as root.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git ca-certificates
  openssl libssl-dev
  libwebsockets-dev libpaho-mqtt-dev libsqlite3-dev libcjson-dev libinih-dev
  libwolfssl-dev libjsmn-dev libgpiod-dev gcc-arm-none-eabi libnewlib-arm-none-eabi
  libqrencode-dev
  libcmocka-dev
  clang libclang-rt-14-dev llvm valgrind
  mosquitto mosquitto-clients mosquitto-dev libmosquitto-dev curl libnss3-tools procps iproute2 sqlite3
  libxml2-utils
  man-db groff-base mandoc dpkg-dev adduser
  python3-websockets python3-h2 libwslay-dev
  chromium testssl.sh
  qemu-system-arm
)

# Browser tests drive Chromium with playwright-core from npm: Node.js is needed (the
# machines ship one; Debian's is the fallback).
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# The microcontroller image builds Debian's own wolfSSL source (the version of
# libwolfssl-dev) for Cortex-M: fetched into a cache outside the source tree.
fetch_mcu_sources() {
  bash "$(dirname "$0")/fetch-wolfssl-source.sh" >/dev/null
}

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all packages present"
  fetch_mcu_sources
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages (${missing[*]}) and not root; install them and re-run" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fetch_mcu_sources
echo "install-deps: done"
