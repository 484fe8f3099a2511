#!/bin/sh
# Detection benchmark: 1 M and 10 M synthetic records in a store, every detector over each.
# Usage: bench/detect/run-bench.sh [BUILD_DIR]   (SIZES="1000000 10000000", WORK=/tmp/...)
set -eu
build=${1:-build/release}
work=${WORK:-/tmp/vantage-bench-detect}
sizes=${SIZES:-"1000000 10000000"}
mkdir -p "$work"
for n in $sizes; do
  db="$work/flows-$n.sqlite"
  [ -f "$db" ] || "$build/bench/detect/vantage_bench_detect" generate "$n" "$db"
  echo "== $n records ($(du -h "$db" | cut -f1) store)"
  "$build/bench/detect/vantage_bench_detect" run "$db"
done
