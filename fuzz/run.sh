#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time: first its saved regression inputs (crashes found earlier,
# kept in fuzz/regressions/), then fuzzing from its seed corpus. A crash is written to fuzz/regressions/ as
# <target>-crash-… so that it is replayed on every later run once committed.
# Usage: fuzz/run.sh SECONDS_PER_TARGET
set -uo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-15}
BUILD=${FUZZ_BUILD:-build-fuzz}
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
passed=0; failed=0
for bin in "$BUILD"/*_fuzz; do
  name=$(basename "$bin")
  target=${name%_fuzz}
  mkdir -p fuzz/regressions
  work=$(mktemp -d)
  cp fuzz/corpus/"$target"/* "$work"/ 2>/dev/null || true
  ok=1
  for r in fuzz/regressions/"$target"-*; do
    [ -e "$r" ] || continue
    "$bin" "$r" > /dev/null 2>&1 || { echo "FAIL $name: regression input $r crashes again"; ok=0; }
  done
  if ! "$bin" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="fuzz/regressions/$target-" \
       "$work" > "$work.log" 2>&1; then
    echo "FAIL $name: crash found (input saved under fuzz/regressions/); log tail:"
    tail -20 "$work.log"
    ok=0
  fi
  runs=$(grep -o 'Done [0-9]* runs' "$work.log" | tail -1)
  [ $ok = 1 ] && { echo "ok   $name: ${runs:-ran} in ${SECS}s"; passed=$((passed+1)); } || failed=$((failed+1))
  rm -rf "$work" "$work.log"
done
echo "fuzz: $passed passed, $failed failed"
[ $failed = 0 ]
