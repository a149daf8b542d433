#!/usr/bin/env bash
# static_gate.sh - the static-analysis gate itself (scripts/static-analysis.sh), on a tiny
# git tree that carries the project's real .clang-tidy and .clang-format: clean, it
# passes; one deliberate finding at a time - cppcheck, clang-tidy, shellcheck, a format
# violation in a changed line, a suppression without a reason, a C file no target builds -
# and the tool concerned fails; the same finding suppressed inline with a reason (or the
# line formatted) passes again. Needs the tools, not the project's build.
# usage: static_gate.sh SOURCE_DIR
SRC=$1
# shellcheck source=../lib/testlib.sh
. "$SRC/tests/lib/testlib.sh"

T=$LK_TMP/tree
GATE=(bash "$SRC/scripts/static-analysis.sh" --root "$T")
export LATCHKEY_STATIC_BUILD_DIR=$LK_TMP/build LATCHKEY_STATIC_JOBS=2
mkdir -p "$T/src" "$T/scripts"
cp "$SRC/.clang-tidy" "$SRC/.clang-format" "$T/"

cat >"$T/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(sample C)
add_library(sample STATIC src/sample.c)
CMAKE
cat >"$T/src/sample.c" <<'C'
/* sample.c - clean input for the gate. */
#include <stdio.h>

int sample_say(const char *who);

int sample_say(const char *who)
{
    if (fprintf(stderr, "hello %s\n", who) < 0)
        return -1;
    return 0;
}
C
cat >"$T/scripts/run.sh" <<'SH'
#!/usr/bin/env bash
# run.sh - clean input for the gate.
for name in a b; do
  echo "$name"
done
SH
git -C "$T" init -q
git -C "$T" add -A
git -C "$T" -c user.name=gate -c user.email=gate@example.invalid commit -qm base
export LATCHKEY_FORMAT_BASE
LATCHKEY_FORMAT_BASE=$(git -C "$T" rev-parse HEAD)

# gate_passes TOOL... / gate_fails TOOL... : run the gate; on failure it must name the tool.
gate_passes() {
  "${GATE[@]}" "$@" >"$LK_TMP/gate.log" 2>&1 || { cat "$LK_TMP/gate.log" >&2; lk_fail "gate failed on clean input ($*)"; }
}
gate_fails() {
  local name=$1; shift
  if "${GATE[@]}" "$@" >"$LK_TMP/gate.log" 2>&1; then
    cat "$LK_TMP/gate.log" >&2
    lk_fail "gate passed despite a $name finding"
  fi
  grep -q "static: $name: FINDINGS" "$LK_TMP/gate.log" || { cat "$LK_TMP/gate.log" >&2; lk_fail "failure not attributed to $name"; }
  lk_log "fails on a $name finding: $(grep -m1 -vE '^static: ' "$LK_TMP/gate.log" || true)"
}
add_c() { printf '%s\n' "$@" >>"$T/src/sample.c"; }
reset_tree() { git -C "$T" checkout -q -- . && git -C "$T" clean -qfd; }

lk_log "clean tree: every tool passes"
gate_passes

lk_log "cppcheck"
add_c 'int sample_get(void);' 'int sample_get(void)' '{' '    const int a[4] = {0};' '    return a[4];' '}'
gate_fails cppcheck cppcheck
sed -i 's|^    return a\[4\];|    /* cppcheck-suppress arrayIndexOutOfBounds ; deliberate, for this test */\n    return a[4];|' "$T/src/sample.c"
gate_passes cppcheck suppressions
reset_tree

lk_log "clang-tidy (cert-err33-c: a result not checked)"
add_c 'void sample_shout(void);' 'void sample_shout(void)' '{' '    fprintf(stderr, "!\n");' '}'
gate_fails clang-tidy tidy
sed -i 's|^    fprintf(stderr, "!\\n");|    fprintf(stderr, "!\\n"); /* NOLINT(cert-err33-c): deliberate, for this test */|' "$T/src/sample.c"
gate_passes tidy suppressions
reset_tree

lk_log "shellcheck (an unused variable)"
printf 'unused=1\n' >>"$T/scripts/run.sh"
gate_fails shellcheck shellcheck
sed -i 's|^unused=1$|# shellcheck disable=SC2034 # deliberate, for this test\nunused=1|' "$T/scripts/run.sh"
gate_passes shellcheck suppressions
reset_tree

lk_log "format (a new line that .clang-format would change)"
add_c 'int sample_one(void);' 'int sample_one(void) {   return 1; }'
gate_fails format format
(cd "$T" && git clang-format -q -f --binary "$(command -v clang-format-14 || command -v clang-format)" \
  "$LATCHKEY_FORMAT_BASE" -- >/dev/null)
gate_passes format
reset_tree

lk_log "suppressions must say why"
printf '# %s disable=SC2034\nunused=1\n' shellcheck >>"$T/scripts/run.sh" # no reason
gate_fails suppressions suppressions
reset_tree
add_c 'void sample_shout(void);' 'void sample_shout(void)' '{' '    fprintf(stderr, "!\n"); /* NOLINT */' '}'
gate_fails suppressions suppressions
reset_tree

lk_log "a C file that no target builds is not silently skipped"
printf '/* orphan.c */\nint orphan;\n' >"$T/src/orphan.c"
git -C "$T" add src/orphan.c
gate_fails cppcheck cppcheck
reset_tree
git -C "$T" rm -q --cached src/orphan.c 2>/dev/null || true
rm -f "$T/src/orphan.c"

lk_log "static gate: every tool fails on its finding and passes on clean input"
