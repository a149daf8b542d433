#!/usr/bin/env bash
# mcu-image.sh - builds the bare-metal device images (firmware/port/baremetal: core +
# common + Debian's wolfSSL source for a Cortex-M4, board QEMU mps2-an386), checks them
# and prints the size report of docs/firmware.md:
#   - the link itself fails when the image exceeds the part's 960 KiB image flash or 256 KiB RAM;
#   - the shipped image contains no test clock (board_test_host_time), no test stall hook
#     and no stdio;
#   - flash and RAM by component (scripts/mcu-size-report.py on the link map);
#   - the NUCLEO-F439ZI image is linked at the part's addresses, without semihosting, and
#     written as a raw .bin too (for st-flash).
# Exit status: 0 OK, 1 failure, 77 the cross compiler is not installed (ctest: skipped).
# usage: mcu-image.sh [--build-dir DIR] [-q]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build-image
QUIET=0
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) BUILD=$2; shift 2 ;;
    -q) QUIET=1; shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "mcu-image.sh: unknown option $1" >&2; exit 1 ;;
  esac
done

unset CFLAGS CPPFLAGS LDFLAGS  # host flags (e.g. sanitizers) must not reach the cross build
for tool in arm-none-eabi-gcc arm-none-eabi-nm arm-none-eabi-size arm-none-eabi-objcopy; do
  if ! command -v "$tool" >/dev/null; then
    echo "mcu-image.sh: $tool not found (scripts/install-deps.sh); skipping" >&2
    exit 77
  fi
done
fail() { echo "mcu-image.sh: FAIL: $*" >&2; exit 1; }
mkdir -p "$BUILD"
run() { if [ "$QUIET" = 1 ]; then "$@" >>"$BUILD/build.log" 2>&1 || { tail -n 40 "$BUILD/build.log" >&2; return 1; }; else "$@"; fi; }

run cmake -S "$ROOT/firmware/port/baremetal" -B "$BUILD" \
  -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/arm-none-eabi.cmake" || fail "configure failed"
run cmake --build "$BUILD" -j2 || fail "cross build failed (an image over the part's flash or RAM fails here)"

SHIP=$BUILD/latchkey_mcu_qemu.elf
TEST=$BUILD/latchkey_mcu_qemu_testclock.elf
for f in "$SHIP" "$TEST"; do [ -f "$f" ] || fail "$f was not built"; done
syms() { arm-none-eabi-nm "$1" | awk '{print $NF}'; }
! syms "$SHIP" | grep -x 'board_test_host_time' >/dev/null || fail "the shipped image contains the test clock"
syms "$TEST" | grep -x 'board_test_host_time' >/dev/null || fail "the test image lacks the test clock (check is blind)"
! syms "$SHIP" | grep -x 'lkm_stall_hook' >/dev/null || fail "the shipped image contains the test stall hook"
syms "$BUILD/latchkey_mcu_qemu_stall.elf" | grep -x 'lkm_stall_hook' >/dev/null || fail "the stall image lacks its hook (check is blind)"
bad=$(syms "$SHIP" | grep -E '^(_?printf|_?sprintf|_?vfprintf|_write|_read|_open|_close|puts|fwrite)$' || true)
[ -z "$bad" ] || fail "the shipped image contains stdio / OS calls:" $bad

# The NUCLEO-F439ZI image (built, not yet run on hardware): the part's memory map, no
# semihosting (it would stop a part without a debugger), and a raw .bin for st-flash.
NUCLEO=$BUILD/latchkey_mcu_nucleo_f439zi.elf
[ -f "$NUCLEO" ] || fail "$NUCLEO was not built"
nsym() { arm-none-eabi-nm "$NUCLEO" | awk -v s="$1" '$3==s{print $1}'; }
[ "$(nsym vectors)" = 08000000 ] || fail "the NUCLEO-F439ZI vector table is not at 0x08000000"
[ "$(nsym __lk_provision_start)" = 08100000 ] || fail "the NUCLEO-F439ZI provisioning area is not sector 12"
[ "$(nsym __lk_persist_start)" = 08104000 ] || fail "the NUCLEO-F439ZI record log is not sector 13"
! syms "$NUCLEO" | grep -E '^sh_[a-z]+$' >/dev/null || fail "the NUCLEO-F439ZI image uses semihosting"
arm-none-eabi-objcopy -O binary "$NUCLEO" "${NUCLEO%.elf}.bin" || fail "objcopy of the NUCLEO-F439ZI image failed"

sym_size() { echo $(( 0x$(arm-none-eabi-nm -S "$1" | awk -v s="$2" '$4==s{print $2; exit}') )); }
read -r text data bss _ < <(arm-none-eabi-size "$SHIP" | awk 'NR==2')
addr() { echo "0x$(arm-none-eabi-nm "$SHIP" | awk -v s="$1" '$3==s{print $1}')"; }
heap=$(( $(addr __heap_end) - $(addr __heap_start) ))
stack=$(( $(addr __stack_top) - $(addr __stack_bottom) ))
cat <<REPORT
Latchkey bare-metal image $(basename "$SHIP") (arm-none-eabi-gcc $(arm-none-eabi-gcc -dumpversion), -mthumb -mcpu=cortex-m4 -Os, --gc-sections, newlib-nano)
wolfSSL: Debian source package $(sed -n 's/^LATCHKEY_WOLFSSL_SRC:PATH=//p' "$BUILD/CMakeCache.txt" | xargs dirname | xargs basename)
flash: $(( text + data )) B of 983040 B; static RAM: $(( data + bss - heap - stack )) B, heap region $heap B, stack $stack B (of 262144 B)
struct lk_device: $(sym_size "$SHIP" dev) B
$(python3 "$ROOT/scripts/mcu-size-report.py" "$BUILD/latchkey_mcu_qemu.map")
REPORT
echo "OK"
