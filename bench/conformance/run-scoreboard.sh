#!/usr/bin/env bash
# The conformance scoreboard of docs/conformance.md: every built-in adapter on the edge-case
# profile and (when RUN_DIR is given) on a point of a simulation run, one table per input.
#   bench/conformance/run-scoreboard.sh build/release [RUN_DIR POINT]
set -euo pipefail
BUILD=${1:-build/release}
RUN_DIR=${2:-}
POINT=${3:-fw-inside}
WORK=${WORK:-/tmp/vantage-scoreboard}
V="$BUILD/vantage"
mkdir -p "$WORK"
"$V" conformance profile conformance/profiles/edge-cases.yaml --out "$WORK/edge.pcap"
inputs=(edge)
[ -n "$RUN_DIR" ] && inputs+=(run)
for input in "${inputs[@]}"; do
  for e in vantage softflowd nfpcapd pmacctd argus; do
    if [ "$input" = edge ]; then src=(--pcap "$WORK/edge.pcap"); else src=(--run "$RUN_DIR" --point "$POINT"); fi
    "$V" conformance run --exporter "$e" "${src[@]}" --out "$WORK/$input-$e" -q || true
  done
done
python3 - "$WORK" "${inputs[@]}" <<'PY'
import json, sys
work, inputs = sys.argv[1], sys.argv[2:]
for inp in inputs:
    print(f"\n{inp}\n")
    print("| exporter | verdict | records exp/exported | matched | missing | unexpected | split | merged | counter errors | packets error | bytes error | cases passed |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for e in ["vantage", "softflowd", "nfpcapd", "pmacctd", "argus"]:
        try:
            s = json.load(open(f"{work}/{inp}-{e}/score.json"))
        except OSError:
            continue
        r, t = s["records"], s["totals"]
        verdict = "unscoreable" if not s["scoreable"] else ("conforms" if s["conforms"] else "differs")
        cases = s.get("cases", [])
        passed = sum(1 for c in cases if c["pass"])
        print(f"| {e} | {verdict} | {t['expected_flows']}/{t['actual_flows']} | {r['matched']} | {r['missing']} | "
              f"{r['unexpected']} | {r['split']} | {r['merged']} | {r['counter_errors']} | "
              f"{100*t['packet_error']:+.3f} % | {100*t['octet_error']:+.3f} % | "
              f"{passed}/{len(cases) if cases else '-'} |")
    for e in ["vantage", "softflowd", "nfpcapd", "pmacctd", "argus"]:
        try:
            s = json.load(open(f"{work}/{inp}-{e}/score.json"))
        except OSError:
            continue
        failed = [f"{c['name']} ({c['reason']})" for c in s.get("cases", []) if not c["pass"]]
        if failed:
            print(f"\n{e} fails: " + "; ".join(failed))
PY
