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
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev sqlite3 python3 time
  # interop peers
  tshark nfdump softflowd pmacct libfixbuf-tools python3-ipfix iproute2
  # enrichment from MaxMind DB files (GeoLite2, DB-IP)
  libmaxminddb-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
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
echo "setup: done"
