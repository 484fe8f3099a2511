#!/usr/bin/env bash
# Exporter benchmark: generates a synthetic pcap (>= 5 M packets, 500 k connections), then times
# `vantage export -r` to an IPFIX file and `softflowd -r` on the same file with the same
# timeouts, printing packets/s and peak memory (GNU time -v) side by side.
#
#   bench/exporter/run-bench.sh [BUILD_DIR=build/release] [WORK_DIR=/tmp/vantage-bench-exporter]
#
# Environment: PACKETS (5000000), FLOWS (500000), DURATION (900: seconds of packet time; not
# SECONDS, which bash sets to the shell's age), ACTIVE (300), INACTIVE (15),
# CACHE (1048576: both tools get a table this large, so neither evicts for lack of space).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${1:-$ROOT/build/release}"
WORK="${2:-/tmp/vantage-bench-exporter}"
PACKETS="${PACKETS:-5000000}"
FLOWS="${FLOWS:-500000}"
DURATION="${DURATION:-900}"
ACTIVE="${ACTIVE:-300}"
INACTIVE="${INACTIVE:-15}"
CACHE="${CACHE:-1048576}"
VANTAGE="$BUILD/vantage"
GEN="$BUILD/vantage_bench_gen_pcap"
for f in "$VANTAGE" "$GEN"; do
  [[ -x "$f" ]] || { echo "missing $f: build first (cmake --build $BUILD --target vantage vantage_bench_gen_pcap)" >&2; exit 1; }
done
[[ -x /usr/bin/time ]] || { echo "GNU time (/usr/bin/time) is needed: apt-get install time" >&2; exit 1; }
mkdir -p "$WORK"
PCAP="$WORK/bench-$PACKETS-$FLOWS-$DURATION.pcap"
if [[ ! -s "$PCAP" ]]; then
  "$GEN" "$PCAP" --packets "$PACKETS" --flows "$FLOWS" --seconds "$DURATION"
fi
cat "$PCAP" > /dev/null  # warm the page cache so both tools read from memory

# A UDP sink for softflowd's export (it needs a destination); discards everything.
SINK_PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
python3 -c "
import socket,sys
s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1',$SINK_PORT))
while True: s.recv(65536)
" &
SINK_PID=$!
trap 'kill $SINK_PID 2>/dev/null || true' EXIT

metric() { grep -E "$1" "$2" | sed -E 's/.*: //'; }
run() {  # name, log, command...
  local name="$1" log="$2"; shift 2
  /usr/bin/time -v -o "$log" "$@" > "$log.out" 2>&1
}

# Baselines: the same commands on a 2-flow pcap give each tool's fixed memory.
TINY="$WORK/tiny.pcap"
[[ -s "$TINY" ]] || "$GEN" "$TINY" --packets 20 --flows 2 --seconds 1 2> /dev/null
run vantage-base "$WORK/vantage-base.time" "$VANTAGE" export -q -r "$TINY" --file "$WORK/tiny.ipfix" \
  --active "$ACTIVE" --inactive "$INACTIVE" --cache-size "$CACHE"
run softflowd-base "$WORK/softflowd-base.time" softflowd -r "$TINY" -d -c none -a -A milli -v 10 -6 \
  -m "$CACHE" -t maxlife="$ACTIVE" -p "$WORK/softflowd.pid" -n "127.0.0.1:$SINK_PORT"

run vantage "$WORK/vantage.time" "$VANTAGE" export -q -r "$PCAP" --file "$WORK/out.ipfix" \
  --active "$ACTIVE" --inactive "$INACTIVE" --cache-size "$CACHE"
"$VANTAGE" export -r "$PCAP" --file "$WORK/out2.ipfix" --active "$ACTIVE" --inactive "$INACTIVE" \
  --cache-size "$CACHE" 2> "$WORK/vantage.summary" > /dev/null
run softflowd "$WORK/softflowd.time" softflowd -r "$PCAP" -d -c none -a -A milli -v 10 -6 \
  -m "$CACHE" -t maxlife="$ACTIVE" -t general="$INACTIVE" -t tcp="$INACTIVE" -t udp="$INACTIVE" \
  -t icmp="$INACTIVE" -p "$WORK/softflowd.pid" -n "127.0.0.1:$SINK_PORT"

python3 - "$WORK" "$PACKETS" <<'PY'
import re, sys
work, packets = sys.argv[1], int(sys.argv[2])
def parse(path):
    d = {}
    for line in open(path):
        line = line.strip()
        for key, name in (("Elapsed (wall clock)", "wall"), ("User time", "user"),
                          ("System time", "sys"), ("Maximum resident set size", "rss")):
            if line.startswith(key):
                v = line.rsplit(": ", 1)[1]
                if name == "wall":
                    parts = [float(x) for x in v.split(":")]
                    s = 0.0
                    for p in parts: s = s * 60 + p
                    d[name] = s
                else:
                    d[name] = float(v)
    return d
v = parse(f"{work}/vantage.time")
s = parse(f"{work}/softflowd.time")
summary = open(f"{work}/vantage.summary").read()
m = re.search(r"(\d+) flows exported as", summary)
flows = m.group(1) if m else "?"
vpeak = int(re.search(r"peak active flows (\d+)", summary).group(1))
sflog = open(f"{work}/softflowd.time.out").read()
sfexported = int(re.search(r"Flows exported: (\d+)", sflog).group(1))
sfflushed = int(re.search(r"flushed = +(\d+)", sflog).group(1))
vb = parse(f"{work}/vantage-base.time")
sb = parse(f"{work}/softflowd-base.time")
print(f"input: {packets} packets ({work})")
print(f"{'':22}{'vantage export':>18}{'softflowd -r':>18}")
for label, key, fmt in (("wall time (s)", "wall", "{:.2f}"), ("CPU user+sys (s)", None, "{:.2f}"),
                        ("packets/s (wall)", "ppsw", "{:,.0f}"), ("packets/s (CPU)", "ppsc", "{:,.0f}"),
                        ("peak RSS (MiB)", "rss", "{:.1f}")):
    row = []
    for d in (v, s):
        cpu = d["user"] + d["sys"]
        val = {"wall": d["wall"], None: cpu, "ppsw": packets / d["wall"], "ppsc": packets / cpu,
               "rss": d["rss"] / 1024}[key]
        row.append(fmt.format(val))
    print(f"{label:22}{row[0]:>18}{row[1]:>18}")
print(f"speed-up (CPU pps):   {(packets/(v['user']+v['sys'])) / (packets/(s['user']+s['sys'])):.2f}x")
print(f"speed-up (wall pps):  {s['wall'] / v['wall']:.2f}x")
# Memory per active flow: (peak RSS - RSS on a 2-flow input) / most flows held at once.
# softflowd does not print its peak; in file mode it expires nothing but maxlife, so its
# peak lies between the flows flushed at EOF and all flows exported: the larger bound is used
# (in softflowd's favour).
vper = (v["rss"] - vb["rss"]) * 1024 / max(vpeak, 1)
sper = (s["rss"] - sb["rss"]) * 1024 / max(sfexported, 1)
print(f"{'peak active flows':22}{vpeak:>18,}{('<= ' + format(sfexported, ',')):>18}")
print(f"{'bytes / active flow':22}{vper:>18.0f}{('>= ' + format(sper, '.0f')):>18}")
print(f"vantage: {flows} flow records (uniflows, idle/active/FIN/RST expiry); "
      f"softflowd: {sfexported} biflows, {sfflushed} of them only at end of file")
PY
