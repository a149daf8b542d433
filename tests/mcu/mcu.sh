# mcu.sh - the QEMU device for shell tests (sourced after testlib.sh and site.sh): writes
# the provisioning blob of a door from the site's PKI (latchkey-certs bundle --format mcu), starts the ESP-AT module emulator
# (at_modem.py), QEMU's mps2-an386 with the image, and the relay watcher reading the LED
# register through QEMU's monitor. Every process goes through lk_start (stopped by PID).
# Needs ROOT, and IMAGE_DIR (the build dir of firmware/port/baremetal).
# shellcheck shell=bash

# lk_mcu_require: exits 77 (ctest: skipped) when qemu-system-arm is missing.
lk_mcu_require() {
  command -v qemu-system-arm >/dev/null 2>&1 || { lk_log "SKIP: qemu-system-arm not installed"; exit 77; }
}

# lk_mcu_blob DOOR [bundle args...]: writes $LK_TMP/blob-DOOR.bin for the site with the
# tool a maker uses (latchkey-certs bundle --format mcu): the blob the image boots with.
lk_mcu_blob() {
  local door=$1; shift
  lk_site_certs bundle "home/$door" --format mcu --broker "localhost:$BROKER_PORT" \
    --out "$LK_TMP/blob-$door.bin" --force "$@" >"$LK_TMP/blob-$door.out" ||
    lk_fail "latchkey-certs bundle --format mcu failed"
}

# lk_mcu_start_modem: starts the module emulator; sets MODEM_PID and MODEM_PORT.
lk_mcu_start_modem() {
  rm -f "$LK_TMP/modem.port"
  lk_start modem python3 "$ROOT/tests/mcu/at_modem.py" --port-file "$LK_TMP/modem.port"
  # shellcheck disable=SC2034 # MODEM_PID is for the tests that source this file
  MODEM_PID=$LK_LAST_PID
  modem_up() { [ -s "$LK_TMP/modem.port" ]; }
  lk_wait_for $(( 10 * LK_SLOW )) "module emulator listening" modem_up
  MODEM_PORT=$(cat "$LK_TMP/modem.port")
}

# lk_mcu_start_qemu IMAGE BLOB: boots the image with the blob at the provisioning offset,
# UART0 to console.log (then console2.log, ...), UART1 to the module emulator, the monitor
# on $LK_TMP/mon.sock; semihosting files (the persisted record) live in $LK_TMP/flash.
# Sets QEMU_PID and CONSOLE; starts the relay watcher (RELAY_LOG).
# LK_QEMU_ARGS: more QEMU options (e.g. -icount for scripts/mcu-sizes.sh).
LK_QEMU_RUNS=0
LK_QEMU_ARGS=()
lk_mcu_start_qemu() {
  local image=$1 blob=$2 name
  LK_QEMU_RUNS=$((LK_QEMU_RUNS + 1))
  name=$(lk_site_run_name console "$LK_QEMU_RUNS")
  CONSOLE="$LK_TMP/$name.log"
  mkdir -p "$LK_TMP/flash"
  rm -f "$LK_TMP/mon.sock"
  (cd "$LK_TMP/flash" && exec qemu-system-arm -M mps2-an386 -display none -nodefaults \
     -monitor "unix:$LK_TMP/mon.sock,server=on,wait=off" \
     -serial "file:$CONSOLE" \
     -chardev "socket,id=link,host=127.0.0.1,port=$MODEM_PORT,reconnect=1" -serial chardev:link \
     -semihosting-config enable=on,target=native \
     "${LK_QEMU_ARGS[@]}" \
     -kernel "$image" -device "loader,file=$blob,addr=0xF0000,force-raw=on") \
     >"$LK_TMP/qemu$LK_QEMU_RUNS.log" 2>&1 &
  QEMU_PID=$!
  LK_PIDS+=("$QEMU_PID")
  RELAY_LOG="$LK_TMP/$(lk_site_run_name relay "$LK_QEMU_RUNS").log"
  python3 "$ROOT/tests/mcu/relay_watch.py" "$LK_TMP/mon.sock" >"$RELAY_LOG" 2>&1 &
  LK_PIDS+=("$!")
  watching() { grep -q '^watching' "$RELAY_LOG"; }
  lk_wait_for $(( 20 * LK_SLOW )) "relay watcher attached to QEMU's monitor" watching
}

# lk_mcu_stop_qemu: stops QEMU (a power cut) and its relay watcher.
lk_mcu_stop_qemu() { lk_stop "$QEMU_PID"; }

# lk_mcu_log_has TEXT: the current console has a line containing TEXT.
lk_mcu_log_has() { grep -qF -- "$1" "$CONSOLE"; }
# lk_mcu_log_count TEXT: lines of the current console containing TEXT.
lk_mcu_log_count() { grep -cF -- "$1" "$CONSOLE" || true; }

# lk_mcu_relay_count on|off: transitions the host saw on the relay output (this boot).
lk_mcu_relay_count() { grep -c " $1\$" "$RELAY_LOG" || true; }

# lk_mcu_pulses_ms: the length of every complete pulse seen, one per line.
lk_mcu_pulses_ms() { awk '$2=="on"{t=$1} $2=="off"&&t!=""{print $1-t; t=""}' "$RELAY_LOG"; }
