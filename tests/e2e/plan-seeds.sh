#!/usr/bin/env bash
# `vantage plan --seeds` on the small office: four observation runs through the sweep
# machinery (--jobs 2), the plan across seeds with mean and 95% CI per metric, the
# out-of-sample check; a rerun reuses the finished runs; a bad seed list is refused.
#   plan-seeds.sh VANTAGE SOURCE_DIR HAVE_SIM
set -uo pipefail
VANTAGE=$1
SRC=$2
if [ "${3:-1}" != 1 ]; then
  echo "SKIPPED: built without the simulator"
  exit 0
fi
T=$(mktemp -d /tmp/vantage-plan-seeds-XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
TOPO=$SRC/topologies/small-office.yaml
SCEN=$SRC/scenarios/small-office-baseline.yaml

"$VANTAGE" plan "$TOPO" "$SCEN" --seeds 1-4 --jobs 2 --budget-tb 0.02 --out "$T/p" -q \
  >"$T/out.txt" || fail "plan --seeds failed: $(cat "$T/out.txt")"
cat "$T/out.txt"
for f in seeds.json seeds.md report.html plan.json; do
  [ -s "$T/p/$f" ] || fail "no $f"
done
python3 - "$T/p/seeds.json" <<'PY' || fail "seeds.json"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["seeds"] == [1, 2, 3, 4], j["seeds"]
fv = j["metrics"]["flow_visibility"]
assert len(fv["per_seed"]) == 4
assert fv["ci_low"] <= fv["mean"] <= fv["ci_high"]
o = j["out_of_sample"]
assert o["chosen_on"] == [1, 2] and o["evaluated_on"] == [3, 4], o
assert abs(o["difference"] - (o["out_of_sample_weighted_coverage"] - o["in_sample_weighted_coverage"])) < 1e-12
PY
[ "$(ls "$T/p/seeds/cells" | wc -l)" = 4 ] || fail "expected four observation runs"
grep -q "out of sample" "$T/out.txt" || fail "no out-of-sample line"

# A rerun reuses the four runs: their results are not rewritten.
before=$(stat -c %Y "$T"/p/seeds/cells/*/result.json | sort | tr '\n' ' ')
"$VANTAGE" plan "$TOPO" "$SCEN" --seeds 1-4 --budget-tb 0.02 --out "$T/p" -q >/dev/null \
  || fail "rerun failed"
after=$(stat -c %Y "$T"/p/seeds/cells/*/result.json | sort | tr '\n' ' ')
[ "$before" = "$after" ] || fail "the rerun ran the finished seeds again"

out=$("$VANTAGE" plan "$TOPO" "$SCEN" --seeds 5-1 --out "$T/bad" 2>&1) && fail "accepted --seeds 5-1"
echo "$out" | grep -q "not a seed range" || fail "unclear message: $out"
echo "PASS"
