#!/usr/bin/env bash
# Builds and runs every test: the release build runs the full suite (unit, golden, fuzz corpora,
# interop with tshark/nfdump/softflowd/pmacct, simulation, end to end); the ASan+UBSan build
# runs the unit and fuzz-corpus tests again under the sanitizers.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="$(nproc)"

echo "== release build and full suite"
scripts/build.sh release
ctest --test-dir build/release --output-on-failure -j "$jobs" --timeout 600

if [ "${VANTAGE_SKIP_ASAN:-0}" != "1" ]; then
  echo "== ASan+UBSan build: unit and fuzz-corpus tests"
  scripts/build.sh asan
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build/asan --output-on-failure -j "$jobs" -L 'unit|fuzz' --timeout 600
fi
echo "== all tests passed"
