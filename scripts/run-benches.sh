#!/usr/bin/env bash
# Runs every benchmark in $1/bench and prints their results (see docs/performance.md).
set -euo pipefail
BUILD=${1:-build}
for b in "$BUILD"/bench/*_bench; do
  [ -x "$b" ] || continue
  echo "=== $(basename "$b")"
  "$b"
done
