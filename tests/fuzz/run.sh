#!/usr/bin/env bash
# Fuzzes every target of a libFuzzer build (INSTANT_BUILD_FUZZERS=ON) for a
# bounded time, INSTANT_FUZZ_JOBS (default 2) targets at a time, and fails
# on any finding: crash, sanitizer report, broken invariant, leak, timeout
# (-timeout, one input), OOM (-rss_limit_mb). Prints the executions per target.
#   tests/fuzz/run.sh BUILD_DIR [TARGET...]
#   INSTANT_FUZZ_SECONDS  seconds per target (default 60)
#   INSTANT_FUZZ_JOBS     targets at a time (default 2)
# Each target starts from its committed corpus (tests/fuzz/corpus/<name>,
# never written) plus what it finds in BUILD_DIR/fuzz-work/<name>; a finding
# is kept in BUILD_DIR/fuzz-work/findings/ (commit it to the corpus once fixed).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="$(cd "${1:?usage: run.sh BUILD_DIR [TARGET...]}" && pwd)"
shift
seconds="${INSTANT_FUZZ_SECONDS:-60}"
jobs="${INSTANT_FUZZ_JOBS:-2}"
work="$build/fuzz-work"

if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for f in "$here"/fuzz_*.cpp; do targets+=("$(basename "$f" .cpp | sed 's/^fuzz_//')"); done
fi

one() {  # one NAME: fuzzes one target; its log is $work/NAME.log
  local name="$1" bin="$build/tests/fuzz/fuzz_$1"
  [ -x "$bin" ] || { echo "missing $bin (build with -DINSTANT_BUILD_FUZZERS=ON)" >"$work/$name.log"; return 1; }
  mkdir -p "$work/$name" "$work/findings"
  # -max_len: small inputs mutate fastest; the corpus holds the big cases.
  # -rss_limit_mb / -malloc_limit_mb: a hostile input must not need 2 GiB.
  ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}" \
    nice "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
      -max_len=4096 -print_final_stats=1 -artifact_prefix="$work/findings/$name-" \
      "$work/$name" "$here/corpus/$name" >"$work/$name.log" 2>&1
}

mkdir -p "$work"
export -f one
export build here work seconds
status=0
printf '%s\n' "${targets[@]}" |
  xargs -P "$jobs" -I{} bash -c 'one "$1" && echo ok >"$work/$1.rc" || echo fail >"$work/$1.rc"' _ {} || true

printf '\n%-22s %12s %10s  %s\n' target executions exec/s result
for name in "${targets[@]}"; do
  log="$work/$name.log"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" 2>/dev/null | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" 2>/dev/null | tail -1)
  result=$(cat "$work/$name.rc" 2>/dev/null || echo fail)
  printf '%-22s %12s %10s  %s\n' "fuzz_$name" "${execs:-?}" "${rate:-?}" "$result"
  if [ "$result" != ok ]; then
    status=1
    echo "---- fuzz_$name: last lines of $log"
    grep -E 'ERROR|SUMMARY|invariant|runtime error|Assertion|Test unit written|==[0-9]+==' "$log" | head -20 || tail -30 "$log"
  fi
done
exit $status
