#!/usr/bin/env bash
# Runs each libFuzzer target of BUILD_DIR (default build-fuzz) for FUZZ_SECONDS (60) seconds,
# starting from the committed seeds (fuzz/corpus/<target>) and the regression inputs
# (fuzz/regressions/<target>). New interesting inputs go to BUILD_DIR/corpus/<target>, crashes to
# BUILD_DIR/artifacts/<target>/. Exits non-zero when any target found a crash.
#   fuzz/run.sh [BUILD_DIR] [TARGET...]
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build-fuzz}"; shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(network_json network_csv scenario_json list_query registry_body)
SECONDS_EACH="${FUZZ_SECONDS:-60}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
failed=()
for t in "${TARGETS[@]}"; do
  bin="$BUILD/fuzz/${t}_fuzzer"
  [ -x "$bin" ] || { echo "fuzz: $bin is not built" >&2; failed+=("$t"); continue; }
  mkdir -p "$BUILD/corpus/$t" "$BUILD/artifacts/$t" "$ROOT/fuzz/regressions/$t"
  echo "=== fuzz: $t for ${SECONDS_EACH}s"
  if "$bin" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
       -print_final_stats=1 -artifact_prefix="$BUILD/artifacts/$t/" \
       "$BUILD/corpus/$t" "$ROOT/fuzz/corpus/$t" "$ROOT/fuzz/regressions/$t" > "$BUILD/$t.log" 2>&1; then
    grep -E '^stat::(number_of_executed_units|new_units_added)|^#[0-9]+.*DONE' "$BUILD/$t.log" | tr '\n' ' '; echo
  else
    failed+=("$t")
    tail -40 "$BUILD/$t.log"
    echo "fuzz: $t FAILED; the input is in $BUILD/artifacts/$t/ — fix it, then copy it to fuzz/regressions/$t/" >&2
  fi
done
if [ ${#failed[@]} -gt 0 ]; then echo "fuzz: findings in ${failed[*]}"; exit 1; fi
echo "fuzz: no findings in ${TARGETS[*]} (${SECONDS_EACH}s each)"
