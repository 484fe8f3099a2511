#!/bin/sh
# Collector benchmark: (a) ingest N IPFIX records replayed over loopback into `vantage collect`
# and into `nfcapd`, one after the other: records/s (wall and per CPU-second), peak RSS and
# records lost for each; in-process decode and decode+store rates; (b) Top-10 source addresses
# by bytes with `vantage query` and `nfdump -s srcip/bytes -n 10`, time for each.
#
#   bench/collector/run-bench.sh [BUILD_DIR]      (N=1000000 RATE=40000 datagrams/s)
#
# Also reports bytes per stored flow (database or nfcapd files / flows stored) and, unless
# N10=0, times the same Top-10 over N10 (10,000,000) flows: the vantage store built in-process,
# nfcapd's files over loopback.
set -eu
BUILD=${1:-build/release}
N=${N:-1000000}
N10=${N10:-10000000}
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
VBYTES=$(cat "$WORK"/flows.sqlite* | wc -c)
echo "vantage collect: stored $VSTORED of $N (lost $((N - VSTORED))), cpu ${VCPU} s," \
  "$(awk -v n="$VSTORED" -v c="$VCPU" 'BEGIN{printf "%.0f", n / c}') records/cpu-s," \
  "$(awk -v n="$VSTORED" -v c="$VCPU" 'BEGIN{printf "%.2f", c * 1e6 / n}') cpu-s per million," \
  "peak RSS ${VRSS} KiB, db $VBYTES B ($(awk -v b="$VBYTES" -v n="$VSTORED" 'BEGIN{printf "%.1f", b / n}') B/flow)"
grep -E "store:|lost" "$WORK/vantage.time" | grep -v "Exit status" || true

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
NBYTES=$(find "$WORK/nfcapd" -type f -exec cat {} + | wc -c)
echo "nfcapd:          stored $NSTORED of $N (lost $((N - NSTORED))), cpu ${NCPU} s," \
  "$(awk -v n="$NSTORED" -v c="$NCPU" 'BEGIN{printf "%.0f", n / c}') records/cpu-s," \
  "$(awk -v n="$NSTORED" -v c="$NCPU" 'BEGIN{printf "%.2f", c * 1e6 / n}') cpu-s per million," \
  "peak RSS ${NRSS} KiB, files $NBYTES B ($(awk -v b="$NBYTES" -v n="$NSTORED" 'BEGIN{printf "%.1f", b / n}') B/flow)"

echo "== query: top 10 source addresses by bytes"
/usr/bin/time -f "vantage query: %e s wall, %U+%S s cpu" \
  "$VANTAGE" query "$WORK/flows.sqlite" "top 10 srcip by bytes" > "$WORK/vantage-top.txt"
/usr/bin/time -f "nfdump:        %e s wall, %U+%S s cpu" \
  nfdump -R "$WORK/nfcapd" -s srcip/bytes -n 10 > "$WORK/nfdump-top.txt"
head -5 "$WORK/vantage-top.txt"
grep -A4 "^Date first seen" "$WORK/nfdump-top.txt" || head -8 "$WORK/nfdump-top.txt"

if [ "$N10" -gt 0 ]; then
  echo "== query: top 10 source addresses by bytes over $N10 flows"
  rm -rf "$WORK/nfcapd10" "$WORK"/flows10.sqlite*
  mkdir -p "$WORK/nfcapd10"
  "$GEN" store "$N10" "$WORK/flows10.sqlite"
  ( ulimit -f 8000000; exec nfcapd -b 127.0.0.1 -p "$NPORT" -w "$WORK/nfcapd10" -t 3600 \
      -B 4194304 > "$WORK/nfcapd10.log" 2>&1 ) &
  TPID=$!
  sleep 1
  "$GEN" send "$N10" "$NPORT" "$RATE"
  sleep 2
  kill -TERM "$(pgrep -P "$TPID" || echo "$TPID")" 2> /dev/null || true
  wait "$TPID" || true
  echo "nfcapd stored $(nfdump -R "$WORK/nfcapd10" -q -N -o 'fmt:%pkt' | wc -l) of $N10"
  /usr/bin/time -f "vantage query: %e s wall, %U+%S s cpu" \
    "$VANTAGE" query "$WORK/flows10.sqlite" "top 10 srcip by bytes" > "$WORK/vantage-top10.txt"
  /usr/bin/time -f "nfdump:        %e s wall, %U+%S s cpu" \
    nfdump -R "$WORK/nfcapd10" -s srcip/bytes -n 10 > "$WORK/nfdump-top10.txt"
  head -3 "$WORK/vantage-top10.txt"
fi
