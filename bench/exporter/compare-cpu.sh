#!/usr/bin/env bash
# CPU time per packet of two `vantage` binaries on the same plain Ethernet/IP pcap (the bench
# generator's traffic), runs interleaved so both see the same machine load; reports the median
# user+sys seconds and ns per packet of each, and whether their IPFIX output is byte-identical.
# With COUNT_INSTRUCTIONS=1 (valgrind installed) it also counts instructions on a tenth of the
# packets, which a shared machine does not disturb.
#
#   bench/exporter/compare-cpu.sh OLD/vantage NEW/vantage [GEN=build/release/vantage_bench_gen_pcap]
#
# Environment: PACKETS (2000000), FLOWS (200000), SECONDS (900), RUNS (6), WORK (/tmp/vantage-cmp).
set -euo pipefail
OLD="${1:?old vantage binary}"
NEW="${2:?new vantage binary}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
GEN="${3:-$ROOT/build/release/vantage_bench_gen_pcap}"
PACKETS="${PACKETS:-2000000}"
FLOWS="${FLOWS:-200000}"
SPAN="${SECONDS_SPAN:-900}"
RUNS="${RUNS:-6}"
WORK="${WORK:-/tmp/vantage-cmp}"
for f in "$OLD" "$NEW" "$GEN"; do [[ -x "$f" ]] || { echo "missing $f" >&2; exit 1; }; done
mkdir -p "$WORK"
PCAP="$WORK/plain-$PACKETS-$FLOWS.pcap"
[[ -s "$PCAP" ]] || "$GEN" "$PCAP" --packets "$PACKETS" --flows "$FLOWS" --seconds "$SPAN"
cat "$PCAP" > /dev/null
args=(export -q -r "$PCAP" --active 300 --inactive 15 --cache-size 1048576)
: > "$WORK/times"
for ((i = 0; i < RUNS; i++)); do
  for which in old new; do
    bin="$OLD"; [[ $which == new ]] && bin="$NEW"
    /usr/bin/time -f "$which %U %S" -a -o "$WORK/times" "$bin" "${args[@]}" --file "$WORK/$which.ipfix"
  done
done
for which in old new; do
  awk -v w="$which" '$1 == w { print $2 + $3 }' "$WORK/times" | sort -n |
    awk -v w="$which" -v n="$PACKETS" '{ t[++k] = $1 }
      END { m = k % 2 ? t[(k + 1) / 2] : (t[k / 2] + t[k / 2 + 1]) / 2;
            printf "%s: median %.3f CPU-s over %d runs, %.0f ns/packet\n", w, m, k, m * 1e9 / n }'
done
if cmp -s "$WORK/old.ipfix" "$WORK/new.ipfix"; then echo "IPFIX output: byte-identical"; else echo "IPFIX output: differs"; fi
if [[ "${COUNT_INSTRUCTIONS:-0}" == 1 ]]; then
  SMALL="$WORK/plain-small.pcap"
  [[ -s "$SMALL" ]] || "$GEN" "$SMALL" --packets $((PACKETS / 10)) --flows $((FLOWS / 10)) --seconds 90
  for which in old new; do
    bin="$OLD"; [[ $which == new ]] && bin="$NEW"
    n=$(valgrind --tool=lackey --basic-counts=yes "$bin" export -q -r "$SMALL" --active 300 \
          --inactive 15 --file "$WORK/small-$which.ipfix" 2>&1 | sed -nE 's/.*guest instrs:\s+([0-9,]+).*/\1/p' | tr -d ,)
    echo "$which: $n instructions, $((n / (PACKETS / 10))) per packet (startup included)"
  done
fi
