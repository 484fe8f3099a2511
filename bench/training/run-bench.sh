#!/usr/bin/env bash
# Training benchmarks: building a 20-trainee class of the beacon exercise (time per trainee),
# and the class web application under 50 concurrent trainees (requests/s, p99 latency).
# Usage: bench/training/run-bench.sh [BUILD_DIR]   (default build/release)
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build/release}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
names="$(seq -s, -f 'trainee%02g' 1 20)"
echo "== build: beacon-hunt for 20 trainees"
/usr/bin/time -f "wall %e s, CPU %U+%S s, peak RSS %M KB" \
  "$build/vantage" exercise build exercises/beacon-hunt.yaml --out "$out/class" --trainees "$names" -q \
  > /dev/null
echo "== serve: 50 trainees for 10 s"
"$build/bench_training_serve" 50 10
