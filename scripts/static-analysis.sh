#!/usr/bin/env bash
# static-analysis.sh - the static-analysis gate (a stage of scripts/test.sh):
#   cppcheck   warning, style, performance, portability over every C file of the project;
#   clang-tidy the checks of .clang-tidy over the same files (in parallel);
#   ShellCheck -S warning over every shell script;
#   clang-format over the lines changed since the format baseline (new code only);
#   and every inline suppression must carry a reason.
# Any finding fails the gate. A single finding may be suppressed where it is, with a reason:
#   /* cppcheck-suppress someId ; why */    /* NOLINT(check-name): why */
#   # shellcheck disable=SC2034 # why
#
# The C files are those of a compile database made by configuring the tree (no build) with
# clang, the fuzz harnesses included, plus firmware/mcu's and the cross-compiled
# firmware/port/baremetal's; a tracked .c file missing from it fails the gate (it would go
# unchecked). Generated files are not tracked: never checked.
#
# Usage: static-analysis.sh [--root DIR] [TOOL...]   TOOL: cppcheck tidy shellcheck format
#        suppressions (default: all). --root checks another git tree (tests/static does).
# Env:   LATCHKEY_STATIC_BUILD_DIR  where the compile database goes (ROOT/build-static)
#        LATCHKEY_FORMAT_BASE       commit the format check starts from (see below)
#        LATCHKEY_STATIC_JOBS       parallel jobs (2)
set -euo pipefail

SCRIPTS=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$SCRIPTS/.." && pwd)
if [ "${1:-}" = "--root" ]; then
  ROOT=$(cd "${2:?--root needs a directory}" && pwd)
  shift 2
fi
TOOLS=("$@")
[ "${#TOOLS[@]}" -gt 0 ] || TOOLS=(suppressions shellcheck format cppcheck tidy)
BUILD=${LATCHKEY_STATIC_BUILD_DIR:-$ROOT/build-static}
JOBS=${LATCHKEY_STATIC_JOBS:-2}
OUT=$BUILD/findings
mkdir -p "$OUT"
failed=()

log() { printf 'static: %s\n' "$*"; }
# run_tool NAME FUNCTION: runs it, reports its time, remembers a failure.
run_tool() {
  local t0=$SECONDS
  if "$2"; then
    log "$1: clean ($(( SECONDS - t0 ))s)"
  else
    log "$1: FINDINGS ($(( SECONDS - t0 ))s)"
    failed+=("$1")
  fi
}

tracked() { git -C "$ROOT" ls-files -z -- "$@" | tr '\0' '\n'; }

# Every tracked shell script: *.sh, and files whose first line is a sh/bash shebang.
shell_scripts() {
  git -C "$ROOT" ls-files -z | while IFS= read -r -d '' f; do
    [ -f "$ROOT/$f" ] || continue
    case "$f" in
      *.sh) printf '%s\n' "$f" ;;
      *) head -n1 "$ROOT/$f" 2>/dev/null | grep -qE '^#!.*\b(ba)?sh\b' && printf '%s\n' "$f" ;;
    esac
  done
  return 0
}

# ---- the compile database: configure only, with clang (what clang-tidy parses best) ----
DB_READY=
compile_db() {
  local db=$BUILD/db/compile_commands.json
  [ -z "$DB_READY" ] || return "$DB_READY"
  DB_READY=1
  mkdir -p "$BUILD/db"
  CC=clang cmake -S "$ROOT" -B "$BUILD/host" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
    -DLATCHKEY_FUZZ=ON >"$BUILD/host.log" 2>&1 || { cat "$BUILD/host.log"; return 1; }
  local dbs=("$BUILD/host/compile_commands.json")
  if [ -f "$ROOT/firmware/mcu/CMakeLists.txt" ]; then
    # The MCU build's own file (image_main.c) with the host clang: configure only.
    CC=clang cmake -S "$ROOT/firmware/mcu" -B "$BUILD/mcu" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
      >"$BUILD/mcu.log" 2>&1 || { cat "$BUILD/mcu.log"; return 1; }
    dbs+=("$BUILD/mcu/compile_commands.json")
  fi
  if [ -f "$ROOT/firmware/port/baremetal/CMakeLists.txt" ]; then
    # The bare-metal port is cross-compiled only (arm-none-eabi-gcc, newlib): its entries get
    # clang's target and newlib's headers, so that clang-tidy parses them as gcc would.
    cmake -S "$ROOT/firmware/port/baremetal" -B "$BUILD/baremetal" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
      -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/arm-none-eabi.cmake" >"$BUILD/baremetal.log" 2>&1 ||
      { cat "$BUILD/baremetal.log"; return 1; }
    dbs+=("$BUILD/baremetal/compile_commands.json=cross")
  fi
  # One entry per tracked file (the first database that compiles it), generated files out.
  tracked '*.c' >"$BUILD/tracked-c.txt"
  python3 - "$ROOT" "$BUILD/tracked-c.txt" "$db" "${dbs[@]}" <<'EOF' || return 1
import json, os, sys
root, tracked_list, out, dbs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
tracked = {os.path.join(root, l.strip()) for l in open(tracked_list) if l.strip()}
seen, entries = set(), []
cross = " --target=arm-none-eabi -isystem /usr/lib/arm-none-eabi/include"
for db in dbs:
    db, _, kind = db.partition("=")
    for e in json.load(open(db)):
        f = os.path.normpath(os.path.join(e["directory"], e["file"]))
        if f in tracked and f not in seen:
            seen.add(f)
            if kind == "cross":
                e["command"] += cross
            entries.append(e)
json.dump(entries, open(out, "w"), indent=1)
missing = sorted(os.path.relpath(f, root) for f in tracked - seen)
for f in missing:
    print(f"{f}: not in any compile database (no target builds it), so never analysed")
sys.exit(1 if missing else 0)
EOF
  DB_READY=0
}

# ---- the tools ----
check_suppressions() {
  # A suppression must name what it silences and say why.
  local bad=$OUT/suppressions.txt
  : >"$bad"
  (cd "$ROOT" && tracked '*.c' '*.h' | xargs -r -d '\n' grep -nH 'NOLINT' |
    grep -vE 'NOLINT(NEXTLINE|BEGIN|END)?\([A-Za-z0-9.*,-]+\): *[^ */]' >>"$bad") || true
  (cd "$ROOT" && tracked '*.c' '*.h' | xargs -r -d '\n' grep -nH 'cppcheck-suppress' |
    grep -vE 'cppcheck-suppress(\[[^]]*\])? +[A-Za-z0-9_]+ *; *[^ */]' >>"$bad") || true
  local sc=shellcheck # split so that this file's own patterns are not taken for directives
  (cd "$ROOT" && shell_scripts | xargs -r -d '\n' grep -nH "$sc disable" |
    grep -vE "$sc disable=SC[0-9]+(,SC[0-9]+)* +# *[^ ]" >>"$bad") || true
  [ -s "$bad" ] || return 0
  sed 's/$/   <- suppression without a check name and a reason/' "$bad"
  return 1
}

check_shell() {
  local list=$BUILD/shell-scripts.txt
  shell_scripts >"$list"
  [ -s "$list" ] || return 0
  (cd "$ROOT" && xargs -r -d '\n' -P "$JOBS" -n 8 shellcheck -S warning -f gcc <"$list") >"$OUT/shellcheck.txt" 2>&1 &&
    return 0
  cat "$OUT/shellcheck.txt"
  return 1
}

# New code follows .clang-format: the lines that differ from the baseline commit must come
# out of clang-format unchanged. The baseline is the commit recorded in
# scripts/format-baseline (when .clang-format was introduced), so the older code is not
# reformatted wholesale; move it forward only to exempt code that predates the format.
check_format() {
  local base=${LATCHKEY_FORMAT_BASE:-}
  if [ -z "$base" ] && [ -f "$ROOT/scripts/format-baseline" ]; then
    base=$(grep -vE '^\s*(#|$)' "$ROOT/scripts/format-baseline" | head -n1)
  fi
  if [ -z "$base" ]; then
    echo "format: no baseline commit (scripts/format-baseline or LATCHKEY_FORMAT_BASE)"
    return 1
  fi
  if ! git -C "$ROOT" cat-file -e "$base^{commit}" 2>/dev/null; then
    echo "format: baseline commit $base is not in this clone (shallow?): fetch the history"
    return 1
  fi
  local rc=0
  (cd "$ROOT" && git clang-format --binary "$(command -v clang-format-14 || command -v clang-format)" \
    --diff --extensions c,h "$base" -- ) >"$OUT/format.txt" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ] || grep -q '^diff ' "$OUT/format.txt"; then
    echo "format: lines changed since $base differ from .clang-format (apply: git clang-format --extensions c,h $base):"
    cat "$OUT/format.txt"
    return 1
  fi
  return 0
}

check_cppcheck() {
  compile_db || return 1
  # --suppress=variableScope: the house declares a function's locals at its top; narrowing
  # their scope is taste, and -Wshadow / -Wmaybe-uninitialized catch what it would prevent.
  # -DLWS_ROLE_H2: set by libwebsockets' lws_config.h, a header cppcheck does not read.
  # A build dir turns on the whole-program (CTU) checks; one process, no -j: with -j,
  # cppcheck 2.10 ignores inline suppressions of CTU findings and exits 0 on them. Any
  # output line is a finding.
  local rc=0
  mkdir -p "$BUILD/cppcheck-cache"
  cppcheck --project="$BUILD/db/compile_commands.json" --cppcheck-build-dir="$BUILD/cppcheck-cache" \
    --enable=warning,style,performance,portability --inline-suppr \
    --library="$SCRIPTS/cppcheck-latchkey.cfg" -DLWS_ROLE_H2 --suppress=variableScope \
    --error-exitcode=1 --quiet --template='{file}:{line}:{column}: {severity}: {message} [{id}]' \
    >"$OUT/cppcheck.txt" 2>&1 || rc=$?
  [ "$rc" -eq 0 ] && [ ! -s "$OUT/cppcheck.txt" ] && return 0
  sed "s|^$ROOT/||" "$OUT/cppcheck.txt"
  return 1
}

check_tidy() {
  compile_db || return 1
  local db=$BUILD/db rc=0
  if command -v run-clang-tidy >/dev/null 2>&1; then
    run-clang-tidy -p "$db" -j "$JOBS" -quiet >"$OUT/clang-tidy.raw" 2>&1 || rc=$?
  else
    python3 -c 'import json,sys; print("\n".join(e["file"] for e in json.load(open(sys.argv[1]))))' \
      "$db/compile_commands.json" | xargs -r -d '\n' -P "$JOBS" -n 4 clang-tidy -p "$db" --quiet \
      >"$OUT/clang-tidy.raw" 2>&1 || rc=$?
  fi
  sed 's/\x1b\[[0-9;]*m//g' "$OUT/clang-tidy.raw" >"$OUT/clang-tidy.txt"
  if [ "$rc" -eq 0 ] && ! grep -qE '^/[^ ]+:[0-9]+:[0-9]+: (warning|error):' "$OUT/clang-tidy.txt"; then
    return 0
  fi
  grep -E '^/[^ ]+:[0-9]+:[0-9]+: (warning|error):' "$OUT/clang-tidy.txt" | sort -u | sed "s|^$ROOT/||"
  [ "$rc" -eq 0 ] || log "clang-tidy exited with $rc (full output: $OUT/clang-tidy.txt)"
  return 1
}

t_start=$SECONDS
for t in "${TOOLS[@]}"; do
  case "$t" in
    suppressions) run_tool suppressions check_suppressions ;;
    shellcheck) run_tool shellcheck check_shell ;;
    format) run_tool format check_format ;;
    cppcheck) run_tool cppcheck check_cppcheck ;;
    tidy) run_tool clang-tidy check_tidy ;;
    *) echo "static-analysis.sh: unknown tool '$t'" >&2; exit 2 ;;
  esac
done
if [ "${#failed[@]}" -gt 0 ]; then
  log "FAILED: ${failed[*]} (total $(( SECONDS - t_start ))s)"
  exit 1
fi
log "all clean (total $(( SECONDS - t_start ))s)"
