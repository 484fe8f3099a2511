#!/usr/bin/env bash
# Sweep benchmark: the enterprise sweep (bench/sweep/enterprise-seeds.yaml, 10 seeds, each cell
# one `vantage plan` without verification) with --jobs 2, then wall time of the whole sweep,
# CPU seconds and peak resident memory per cell (from each cell's result.json: the child's
# rusage), and the largest peak memory of the driver and its workers (GNU time).
#   bench/sweep/run-bench.sh build/release [JOBS]        (SEEDS=1-3 for a smaller one,
#                                                         SWEEP=FILE for another sweep)
set -euo pipefail
BUILD=${1:-build/release}
JOBS=${2:-2}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-/tmp/vantage-bench-sweep}
SWEEP=${SWEEP:-$SRC/bench/sweep/enterprise-seeds.yaml}
if [ -n "${SEEDS:-}" ]; then
  # A copy beside the original, so its relative paths still resolve.
  copy=$(dirname "$SWEEP")/.seeds-$$.yaml
  sed "s/^seeds: .*/seeds: $SEEDS/" "$SWEEP" >"$copy"
  SWEEP=$copy
  trap 'rm -f "$copy"' EXIT
fi
rm -rf "$WORK/out"
mkdir -p "$WORK"
/usr/bin/time -v -o "$WORK/driver.time" "$SRC/$BUILD/vantage" sweep run "$SWEEP" \
  --out "$WORK/out" --jobs "$JOBS" -q
python3 - "$WORK" <<'PY'
import glob, json, re, sys
work = sys.argv[1]
rs = [json.load(open(p)) for p in sorted(glob.glob(work + "/out/cells/*/result.json"))]
t = open(work + "/driver.time").read()
wall = re.search(r"Elapsed \(wall clock\) time.*: (.*)", t).group(1)
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
cpu = [r["cpu_s"] for r in rs]
mem = [r["max_rss_kib"] / 1024 for r in rs]
print(f"cells {len(rs)}, all ok: {all(r['status'] == 'ok' for r in rs)}")
print(f"sweep wall {wall}; peak RSS of the driver or any worker {rss / 1024:.0f} MiB")
print(f"CPU per cell: mean {sum(cpu) / len(cpu):.1f} s, min {min(cpu):.1f}, max {max(cpu):.1f}; "
      f"total {sum(cpu):.0f} s")
print(f"peak RSS per worker: mean {sum(mem) / len(mem):.0f} MiB, max {max(mem):.0f} MiB")
PY
