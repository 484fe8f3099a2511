#!/bin/sh
# Collector benchmark: (a) ingest N IPFIX records replayed over loopback into `vantage collect`
# and into `nfcapd`, one after the other: records/s (wall and per CPU-second), peak RSS and
# records lost for each; in-process decode and decode+store rates; (b) Top-10 source addresses
# by bytes with `vantage query` and `nfdump -s srcip/bytes -n 10`, time for each.
#
#   bench/collector/run-bench.sh [BUILD_DIR]      (N=1000000 RATE=40000 datagrams/s)
set -eu
BUILD=${1:-build/release}
N=${N:-1000000}
RATE=${RATE:-40000}
WORK=${WORK:-/tmp/vantage-bench-collector}
VPORT=${VPORT:-47391}
NPORT=${NPORT:-47392}
VANTAGE="$BUILD/vantage"
GEN="$BUILD/vantage_bench_collector"
for f in "$VANTAGE" "$GEN"; do
  [ -x "$f" ] || { echo "missing $f (build targets vantage and vantage_bench_collector)"; exit 1; }
done
rm -rf "$WORK"
mkdir -p "$WORK/nfcapd"

field() {  # field NAME FILE: a value from GNU time -v output
  grep "$1" "$2" | head -1 | sed 's/.*: //'
}
cpu() {  # user + system seconds
  u=$(field "User time" "$1"); s=$(field "System time" "$1")
  echo "$u $s" | awk '{printf "%.2f", $1 + $2}'
}

echo "== in-process (one core)"
"$GEN" decode "$N"
"$GEN" store "$N" "$WORK/inproc.sqlite"
rm -f "$WORK"/inproc.sqlite*

echo "== ingest over loopback: $N records at $RATE datagrams/s"
# vantage collect
/usr/bin/time -v "$VANTAGE" collect --listen "udp://127.0.0.1:$VPORT" --db "$WORK/flows.sqlite" \
  --status-interval 0 -q 2> "$WORK/vantage.time" &
TPID=$!
sleep 1
VPID=$(pgrep -P "$TPID")
"$GEN" send "$N" "$VPORT" "$RATE"
sleep 2
kill -TERM "$VPID"
wait "$TPID" || true
VSTORED=$("$VANTAGE" query "$WORK/flows.sqlite" "SELECT count(*) FROM flows" --format csv | tail -1)
VCPU=$(cpu "$WORK/vantage.time")
VRSS=$(field "Maximum resident" "$WORK/vantage.time")
echo "vantage collect: stored $VSTORED of $N (lost $((N - VSTORED))), cpu ${VCPU} s," \
  "$(awk -v n="$VSTORED" -v c="$VCPU" 'BEGIN{printf "%.0f", n / c}') records/cpu-s," \
  "peak RSS ${VRSS} KiB, db $(du -k "$WORK/flows.sqlite" | cut -f1) KiB"

# nfcapd (file size limited, log outside its flow directory)
( ulimit -f 4000000; exec /usr/bin/time -v nfcapd -b 127.0.0.1 -p "$NPORT" -w "$WORK/nfcapd" \
    -t 3600 -B 4194304 > "$WORK/nfcapd.log" 2> "$WORK/nfcapd.time" ) &
TPID=$!
sleep 1
NPID=$(pgrep -P "$TPID")
"$GEN" send "$N" "$NPORT" "$RATE"
sleep 2
kill -TERM "$NPID"
wait "$TPID" || true
NSTORED=$(nfdump -R "$WORK/nfcapd" -q -N -o 'fmt:%pkt' | wc -l)
NCPU=$(cpu "$WORK/nfcapd.time")
NRSS=$(field "Maximum resident" "$WORK/nfcapd.time")
echo "nfcapd:          stored $NSTORED of $N (lost $((N - NSTORED))), cpu ${NCPU} s," \
  "$(awk -v n="$NSTORED" -v c="$NCPU" 'BEGIN{printf "%.0f", n / c}') records/cpu-s," \
  "peak RSS ${NRSS} KiB, files $(du -sk "$WORK/nfcapd" | cut -f1) KiB"

echo "== query: top 10 source addresses by bytes"
/usr/bin/time -f "vantage query: %e s wall, %U+%S s cpu" \
  "$VANTAGE" query "$WORK/flows.sqlite" "top 10 srcip by bytes" > "$WORK/vantage-top.txt"
/usr/bin/time -f "nfdump:        %e s wall, %U+%S s cpu" \
  nfdump -R "$WORK/nfcapd" -s srcip/bytes -n 10 > "$WORK/nfdump-top.txt"
head -5 "$WORK/vantage-top.txt"
grep -A4 "^Date first seen" "$WORK/nfdump-top.txt" || head -8 "$WORK/nfdump-top.txt"
