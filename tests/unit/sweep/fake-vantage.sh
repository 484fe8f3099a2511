#!/usr/bin/env bash
# A stand-in for the vantage executable in sweep unit tests: `fake-vantage.sh plan|simulate
# TOPO SCEN --out OUT --seed S ... -q` writes a plan.json or manifest.json whose numbers depend
# on the seed. Control files in $FAKE_DIR: fail-seed-S (always fails), failonce-seed-S (fails
# once, then succeeds), sleep-seed-S (sleeps 30 s: a timeout). Every call appends to calls.log.
cmd=$1
shift
out="" seed=""
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2; shift ;;
    --seed) seed=$2; shift ;;
  esac
  shift
done
echo "$cmd seed $seed" >>"$FAKE_DIR/calls.log"
echo "fake vantage $cmd, seed $seed"
if [ -e "$FAKE_DIR/fail-seed-$seed" ]; then echo "error: seed $seed always fails"; exit 3; fi
if [ -e "$FAKE_DIR/failonce-seed-$seed" ]; then rm -f "$FAKE_DIR/failonce-seed-$seed"; echo "error: transient"; exit 4; fi
if [ -e "$FAKE_DIR/sleep-seed-$seed" ]; then sleep 30; fi
mkdir -p "$out"
if [ "$cmd" = plan ]; then
  cat >"$out/plan.json" <<JSON
{"metrics": {"flow_visibility": 0.$seed, "cost": $seed, "within_budget": true,
             "behaviour_visibility": {"beacon": 1}},
 "points": [{"name": "a", "mode": "flow"}, {"name": "b", "mode": "none"}],
 "storage_sweep": [{"storage_bytes": 1e9, "flow_visibility": 0.$seed, "weighted_coverage": 0.5},
                   {"storage_bytes": 1e12, "flow_visibility": 0.9, "weighted_coverage": 0.9}]}
JSON
else
  cat >"$out/manifest.json" <<JSON
{"status": "complete", "counters": {"events": $((seed * 100)), "wall_s": 1.5},
 "points": [{"name": "a", "flows": $seed}]}
JSON
fi
