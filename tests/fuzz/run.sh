#!/usr/bin/env bash
# tests/fuzz/run.sh -- build the libFuzzer targets with clang and run each
# for a bounded time.  `make fuzz` calls it with the build's flags; it can
# also be run by hand from a configured build directory:
#
#   FUZZ_SECONDS=60 make fuzz            # every target, 60 s each
#   FUZZ_TARGETS="csv xml" make fuzz     # only these
#
# Arguments: the core's preprocessor flags (-I, -D), as the build has them.
# Environment (make fuzz sets all but the last three):
#   FUZZ_SRCDIR    the source tree          FUZZ_BUILDDIR  the build tree
#   FUZZ_LIBS      the core's libraries
#   FUZZ_CC        clang (default clang)    FUZZ_SECONDS   per target (60)
#   FUZZ_TARGETS   which targets (all)
#
# Each target starts from its seed corpus, tests/fuzz/corpus/<target>/
# (kept in the repository, small), and writes what it learns to
# <build>/tests/fuzz/work/<target>/ (never to the source tree).  A crash,
# a leak, a UBSan report or a timeout leaves its input in
# <build>/tests/fuzz/crashes/ and fails the target; each such input
# becomes a Check unit test with the input (tests/unit/check_*.c).
#
# Output: one line per target, "fuzz TARGET: ok ..." or
# "fuzz TARGET: FAILED ...", then "fuzz: N passed, N failed".  Exit
# status 0 only when every target ran clean.
set -uo pipefail

SRC=${FUZZ_SRCDIR:?FUZZ_SRCDIR: the source tree}
BLD=${FUZZ_BUILDDIR:?FUZZ_BUILDDIR: the build tree}
CC=${FUZZ_CC:-clang}
SECONDS_EACH=${FUZZ_SECONDS:-60}
TARGETS=${FUZZ_TARGETS:-urlencoded cookies path xml route csv form}
# One input may take this long before libFuzzer calls it a hang: the
# slowest target (schema validation of a 1 MiB document) needs well under
# a second; ten is generous on a loaded CI machine.
PER_INPUT_TIMEOUT=10
# Memory per fuzzing process: the largest input is capped at 64 KiB, so
# anything near this is a leak or a runaway allocation.
RSS_LIMIT_MB=2048
MAX_LEN=65536

OUT=$BLD/tests/fuzz
OBJ=$OUT/obj
mkdir -p "$OBJ" "$OUT/crashes" "$OUT/work"

CFLAGS_F=(-g -O1 -Wall -Wextra -Werror
          -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
DEFS=("$@" "-DFUZZ_SCHEMAS_DIR=\"$SRC/schemas\""
      "-DFUZZ_PROGRAM_SO=\"$BLD/plugins/program/.libs/program.so\"")
read -r -a LIBS_A <<<"${FUZZ_LIBS:-}"

log=$OUT/build.log
: >"$log"
# The core, compiled once with coverage instrumentation (fuzzer-no-link):
# every core source except the two programs' mains and the CLI's own file.
build_core() {
  local objs=() f o
  for f in "$SRC"/core/*/*.c; do
    case $(basename "$f") in cairnd.c|cli.c|cli_*.c) continue ;; esac
    # core/mail/pages.c and core/jobs/pages.c: the folder is part of the name.
    o=$OBJ/$(basename "$(dirname "$f")")_$(basename "$f" .c).o
    if [ ! -f "$o" ] || [ "$f" -nt "$o" ] || [ "$SRC/core/lib/cairn_int.h" -nt "$o" ]; then
      "$CC" "${CFLAGS_F[@]}" -fsanitize=fuzzer-no-link "${DEFS[@]}" -c "$f" -o "$o" >>"$log" 2>&1 || return 1
    fi
    objs+=("$o")
  done
  rm -f "$OBJ/libcore.a"
  ar rcs "$OBJ/libcore.a" "${objs[@]}" >>"$log" 2>&1
}
if ! build_core; then
  cat "$log" >&2
  echo "fuzz: building the core with $CC failed (see $log)" >&2
  echo "fuzz: 0 passed, 1 failed"
  exit 1
fi

passed=0
failed=0
for t in $TARGETS; do
  bin=$OUT/fuzz_$t
  if ! "$CC" "${CFLAGS_F[@]}" -fsanitize=fuzzer "${DEFS[@]}" "$SRC/tests/fuzz/fuzz_$t.c" \
         "$OBJ/libcore.a" "${LIBS_A[@]}" -ldl -o "$bin" >>"$log" 2>&1; then
    tail -n 20 "$log"
    echo "fuzz $t: FAILED (does not build; see $log)"
    failed=$((failed + 1))
    continue
  fi
  mkdir -p "$OUT/work/$t"
  rm -f "$OUT/crashes/$t-"*
  tlog=$OUT/$t.log
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$bin" -max_total_time="$SECONDS_EACH" -timeout="$PER_INPUT_TIMEOUT" \
      -rss_limit_mb="$RSS_LIMIT_MB" -max_len="$MAX_LEN" -print_final_stats=1 \
      -artifact_prefix="$OUT/crashes/$t-" \
      "$OUT/work/$t" "$SRC/tests/fuzz/corpus/$t" >"$tlog" 2>&1
  rc=$?
  runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$tlog" | tail -n 1)
  cov=$(grep -oE 'cov: [0-9]+' "$tlog" | tail -n 1)
  if [ "$rc" -eq 0 ] && ! ls "$OUT/crashes/$t-"* >/dev/null 2>&1; then
    echo "fuzz $t: ok (${runs:-?} inputs in ${SECONDS_EACH} s, ${cov:-cov: ?})"
    passed=$((passed + 1))
  else
    echo "fuzz $t: FAILED (exit $rc; input in $(ls "$OUT/crashes/$t-"* 2>/dev/null | head -n 1))"
    grep -E 'ERROR|SUMMARY|runtime error|Assertion' "$tlog" | head -n 5
    failed=$((failed + 1))
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
