#!/usr/bin/env bash
# firmware-size.sh - builds the firmware core + common for a Cortex-M4 microcontroller
# (arm-none-eabi-gcc, firmware/mcu, cmake/arm-none-eabi.cmake), proves that they need no
# heap and no OS (undefined symbols of the linked test image checked against an
# allow-list with arm-none-eabi-nm) and prints the flash / static RAM report of
# docs/firmware.md. Fails if a forbidden symbol is referenced or a limit is exceeded.
# Exit status: 0 OK, 1 failure, 77 the cross compiler is not installed (ctest: skipped).
# usage: firmware-size.sh [--build-dir DIR] [--float-abi soft|hard] [-q]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build-mcu
FLOAT_ABI=soft
QUIET=0
FLASH_LIMIT=17408   # core + common, bytes of text + rodata after --gc-sections (the time beacon: +2.2 KB)
RAM_LIMIT=4352      # data + bss of the whole test image (struct lk_device included, +96 B for the time beacon; the
                    # retransmit slots hold a signed ack of the longest names: 3 x 320 B)

while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) BUILD=$2; shift 2 ;;
    --float-abi) FLOAT_ABI=$2; shift 2 ;;
    -q) QUIET=1; shift ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "firmware-size.sh: unknown option $1" >&2; exit 1 ;;
  esac
done

unset CFLAGS CPPFLAGS LDFLAGS  # host flags (e.g. sanitizers) must not reach the cross build
for tool in arm-none-eabi-gcc arm-none-eabi-nm arm-none-eabi-size; do
  if ! command -v "$tool" >/dev/null; then
    echo "firmware-size.sh: $tool not found (install gcc-arm-none-eabi and" \
         "libnewlib-arm-none-eabi: scripts/install-deps.sh); skipping" >&2
    exit 77
  fi
done

fail() { echo "firmware-size.sh: FAIL: $*" >&2; exit 1; }
run() { if [ "$QUIET" = 1 ]; then "$@" >>"$BUILD/build.log" 2>&1 || { tail -n 40 "$BUILD/build.log" >&2; return 1; }; else "$@"; fi; }

# What the core may take from the C library / compiler runtime: pure memory and string
# helpers, and libgcc's arithmetic helpers (__aeabi_*). Nothing that allocates, does I/O,
# or needs an OS (malloc, free, printf, _sbrk, _write, time, abort, ...).
ALLOWED_RE='^(memcpy|memmove|memset|memcmp|memchr|strlen|strnlen|strcmp|strncmp|strncpy|strchr|__aeabi_[a-z0-9_]+)$'
# Symbols that must not even appear in the linked image (they would mean a heap or I/O).
FORBIDDEN_RE='^(_?malloc|_?calloc|_?realloc|_?free|_malloc_r|_free_r|_calloc_r|_realloc_r|_sbrk|_sbrk_r|_write|_read|_open|_close|printf|sprintf|snprintf|vsnprintf|puts|fputs|fwrite|abort|exit|_exit|time|clock_gettime|gettimeofday)$'

# check_refs OBJECT: every undefined symbol must match the allow-list.
check_refs() {
  local bad
  bad=$(arm-none-eabi-nm -u "$1" | awk '{print $NF}' | grep -Ev "$ALLOWED_RE" || true)
  if [ -n "$bad" ]; then
    echo "firmware-size.sh: $(basename "$1") references symbols outside the allow-list:" $bad >&2
    return 1
  fi
}

# Self-test of the checker: an object that calls malloc and printf must be refused.
mkdir -p "$BUILD"
cat >"$BUILD/probe.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int probe(int n);
int probe(int n) { char *p = malloc((size_t)n); if (p == NULL) return -1; memset(p, 0, (size_t)n); printf("%s", p); free(p); return 0; }
EOF
arm-none-eabi-gcc -mthumb -mcpu=cortex-m4 -Os -c "$BUILD/probe.c" -o "$BUILD/probe.o"
if check_refs "$BUILD/probe.o" 2>/dev/null; then
  fail "the symbol check accepted an object that calls malloc/printf"
fi

run cmake -S "$ROOT/firmware/mcu" -B "$BUILD" -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/arm-none-eabi.cmake" \
  -DLATCHKEY_MCU_FLOAT_ABI="$FLOAT_ABI" || fail "configure failed"
run cmake --build "$BUILD" -j2 || fail "cross build failed"

REFS=$BUILD/latchkey_mcu_refs.o
IMAGE=$BUILD/latchkey_mcu_image.elf
STUB=$BUILD/CMakeFiles/latchkey_mcu_image_obj.dir/image_main.c.obj
for f in "$REFS" "$IMAGE" "$STUB"; do [ -f "$f" ] || fail "$f was not built"; done

check_refs "$REFS" || fail "the core or common needs something a microcontroller without an OS does not have"
forbidden=$(arm-none-eabi-nm "$IMAGE" | awk '{print $NF}' | grep -E "$FORBIDDEN_RE" || true)
[ -z "$forbidden" ] || fail "the linked image contains" $forbidden

# size: "text" counts text + rodata, then data, bss.
read -r r_text r_data r_bss _ < <(arm-none-eabi-size "$REFS" | awk 'NR==2')
read -r s_text s_data s_bss _ < <(arm-none-eabi-size "$STUB" | awk 'NR==2')
read -r i_text i_data i_bss _ < <(arm-none-eabi-size "$IMAGE" | awk 'NR==2')
read -r l_text l_data l_bss _ < <(arm-none-eabi-size -t "$BUILD/core/liblatchkey_core.a" \
  "$BUILD/common/liblatchkey_common.a" | awk 'END{print $1, $2, $3}')
dev_size=$(( 16#$(arm-none-eabi-nm -S "$IMAGE" | awk '$4=="dev"{print $2}') ))
core_flash=$(( r_text - s_text ))
core_ram=$(( r_data + r_bss - s_data - s_bss ))
image_flash=$(( i_text + i_data ))
image_ram=$(( i_data + i_bss ))
libc=$(arm-none-eabi-nm -u "$REFS" | awk '{print $NF}' | tr '\n' ' ')
defs=$(sed -n 's/^LATCHKEY_MCU_DEFS:STRING=//p' "$BUILD/CMakeCache.txt" | tr ';' ' ')

cat <<REPORT
Latchkey firmware core for Cortex-M4 (arm-none-eabi-gcc $(arm-none-eabi-gcc -dumpversion), -mthumb -mcpu=cortex-m4 -mfloat-abi=$FLOAT_ABI -Os, --gc-sections)
buffers: $defs
core + common, linked (dead code removed): flash $core_flash B (text+rodata), static RAM $core_ram B (data+bss)
core + common, every function (static libraries): flash $l_text B, static RAM $(( l_data + l_bss )) B
struct lk_device (the board's one static object: MQTT RX/TX, retransmit slots, replay cache): $dev_size B
test image (core + common + stub board + C library helpers): flash $image_flash B, static RAM $image_ram B, heap 0 B
C library / runtime symbols used: $libc(allow-list OK; no malloc/free/stdio/OS)
limits: core + common flash <= $FLASH_LIMIT B, image static RAM <= $RAM_LIMIT B
REPORT
[ "$core_flash" -le "$FLASH_LIMIT" ] || fail "core + common flash $core_flash B is over $FLASH_LIMIT B"
[ "$image_ram" -le "$RAM_LIMIT" ] || fail "static RAM $image_ram B is over $RAM_LIMIT B (shrink LATCHKEY_MCU_DEFS)"
echo "OK"
