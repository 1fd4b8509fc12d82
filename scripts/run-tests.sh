#!/usr/bin/env bash
# Runs every test suite of cipms against the build in $1 and prints one pass/fail count.
set -uo pipefail
BUILD=${1:-build}
cd "$(dirname "$0")/.."
export CIPMS_TEST_TMP=${CIPMS_TEST_TMP:-/tmp}
total_pass=0; total_fail=0; failed_suites=()

run_suite() {  # name, command...
  local name=$1; shift
  echo "=== suite: $name"
  local log; log=$(mktemp)
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local pass fail
  # ctest: "95% tests passed, 2 tests failed out of 40"
  if grep -qE 'tests failed out of [0-9]+' "$log"; then
    local line; line=$(grep -E 'tests failed out of [0-9]+' "$log" | tail -1)
    fail=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/' <<<"$line")
    local all; all=$(sed -E 's/.* tests failed out of ([0-9]+).*/\1/' <<<"$line")
    pass=$((all - fail))
  elif grep -qE '^CIPMS-SUITE passed=[0-9]+ failed=[0-9]+' "$log"; then
    local line; line=$(grep -E '^CIPMS-SUITE passed=' "$log" | tail -1)
    pass=$(sed -E 's/.*passed=([0-9]+).*/\1/' <<<"$line"); fail=$(sed -E 's/.*failed=([0-9]+).*/\1/' <<<"$line")
  else
    pass=0; fail=1
  fi
  if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
  total_pass=$((total_pass + pass)); total_fail=$((total_fail + fail))
  [ "$fail" -gt 0 ] && failed_suites+=("$name")
  rm -f "$log"
}

run_suite "C++ unit and integration (ctest)" ctest --test-dir "$BUILD" -j 2 --output-on-failure --timeout 600
if [ -x scripts/run-web-tests.sh ] && [ -z "${CIPMS_SKIP_WEB_TESTS:-}" ]; then  # make test-asan sets it
  run_suite "web UI" scripts/run-web-tests.sh "$BUILD"
fi

echo
echo "================================================================"
if [ "$total_fail" -eq 0 ]; then
  echo "cipms tests: PASS — $total_pass passed, 0 failed"
  exit 0
fi
echo "cipms tests: FAIL — $total_pass passed, $total_fail failed (suites: ${failed_suites[*]})"
exit 1
