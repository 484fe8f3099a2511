#!/bin/sh
# Cloud flow-log ingest benchmark: N (1,000,000) AWS VPC flow-log lines, format version 5, with
# `vantage collect --file --format aws-vpc` under GNU time -v (records per second, CPU-seconds
# per million, peak RSS, bytes per stored record), the reader alone in-process (with and
# without the native fields), and beside them the in-process IPFIX decode+store of the same N
# (`vantage_bench_collector store`) on the same machine at the same time.
#
#   bench/collector/run-flow-log-bench.sh [BUILD_DIR]      (N=1000000, WORK=/tmp/...)
set -eu
BUILD=${1:-build/release}
N=${N:-1000000}
WORK=${WORK:-/tmp/vantage-bench-flow-log}
VANTAGE="$BUILD/vantage"
GEN="$BUILD/vantage_bench_flow_log"
IPFIX="$BUILD/vantage_bench_collector"
for f in "$VANTAGE" "$GEN" "$IPFIX"; do
  [ -x "$f" ] || { echo "missing $f (build vantage, vantage_bench_flow_log, vantage_bench_collector)"; exit 1; }
done
rm -rf "$WORK"
mkdir -p "$WORK"
field() { grep "$1" "$2" | head -1 | sed 's/.*: //'; }

"$GEN" gen "$N" "$WORK/aws.log"
echo "file: $(wc -c < "$WORK/aws.log") B, $N records"
"$GEN" parse "$WORK/aws.log"
"$GEN" parse "$WORK/aws.log" lean

/usr/bin/time -v "$VANTAGE" collect --file "$WORK/aws.log" --format aws-vpc \
  --db "$WORK/cloud.sqlite" 2> "$WORK/collect.time"
grep "records stored" "$WORK/collect.time"
STORED=$("$VANTAGE" query "$WORK/cloud.sqlite" "SELECT count(*) FROM flows" --format csv | tail -1)
U=$(field "User time" "$WORK/collect.time"); S=$(field "System time" "$WORK/collect.time")
WALL=$(field "Elapsed (wall clock)" "$WORK/collect.time")
RSS=$(field "Maximum resident" "$WORK/collect.time")
BYTES=$(cat "$WORK"/cloud.sqlite* | wc -c)
NATIVE=$("$VANTAGE" query "$WORK/cloud.sqlite" "SELECT sum(length(native)) FROM flows" --format csv | tail -1)
echo "vantage collect --file: stored $STORED, wall $WALL, cpu $(echo "$U $S" | awk '{printf "%.2f", $1 + $2}') s," \
  "$(echo "$U $S $STORED" | awk '{printf "%.2f", ($1 + $2) * 1e6 / $3}') CPU-s per million," \
  "peak RSS $RSS KiB, db $BYTES B ($(awk -v b="$BYTES" -v n="$STORED" 'BEGIN{printf "%.1f", b / n}') B/record," \
  "of which native JSON $(awk -v b="$NATIVE" -v n="$STORED" 'BEGIN{printf "%.1f", b / n}') B/record)"

echo "== beside it: IPFIX decode + store in-process, same N"
"$IPFIX" store "$N" "$WORK/ipfix.sqlite"
echo "ipfix store: $(cat "$WORK"/ipfix.sqlite* | wc -c) B"
