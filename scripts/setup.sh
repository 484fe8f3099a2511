#!/usr/bin/env bash
# Installs every Debian package Vantage and its tests need. Idempotent: when everything is
# present it only checks (no apt-get update), which takes a second or two.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang clang-format clang-tidy libclang-rt-14-dev
  # libraries
  libns3-dev ns3 libgsl-dev libpcap-dev libboost-graph-dev libboost-system-dev libyaml-cpp-dev
  libsqlite3-dev libcli11-dev nlohmann-json3-dev libfmt-dev libssl-dev librapidcheck-dev
  libcpp-httplib-dev libcmark-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev sqlite3 python3 time
  # interop peers
  tshark nfdump softflowd pmacct libfixbuf-tools python3-ipfix iproute2
  # exporters scored by vantage conformance
  argus-server argus-client
  # the class web page in a real browser (tests/browser drives it with playwright-core)
  chromium
  # sweeps: a real Slurm (controller, node daemon, client commands) and munge for its tests
  slurmctld slurmd slurm-client munge
  # enrichment from MaxMind DB files (GeoLite2, DB-IP)
  libmaxminddb-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Node.js runs the browser test's driver; machines that have no node get Debian's.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then missing+=(nodejs npm); fi

# The browser test's one npm package (playwright-core, pinned in package-lock.json); it drives
# Debian's Chromium and downloads no browser of its own.
browser_deps() {
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
  if [ ! -d "$dir/node_modules/playwright-core" ]; then
    echo "setup: npm ci in tests/browser"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  browser_deps
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer it before it asks.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
browser_deps
echo "setup: done"
