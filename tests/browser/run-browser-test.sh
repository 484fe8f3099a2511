#!/usr/bin/env bash
# Builds a one-trainee class (small office), serves it on 127.0.0.1, and has headless Chromium
# log in and answer the first question. Stops the server whatever happens.
# Usage: run-browser-test.sh VANTAGE_BINARY
set -euo pipefail
vantage="$(realpath "$1")"
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
if [ ! -d "$here/node_modules/playwright-core" ]; then
  echo "FAIL: playwright-core missing; run scripts/setup.sh (it runs npm ci in tests/browser)"
  exit 1
fi
command -v chromium >/dev/null || { echo "FAIL: chromium missing; run scripts/setup.sh"; exit 1; }
work="$(mktemp -d)"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
"$vantage" exercise build exercises/nat-exfil-blind.yaml --out "$work/class" --trainees alice -q >/dev/null
"$vantage" exercise serve "$work/class" --listen 127.0.0.1:0 --port-file "$work/port" 2>"$work/serve.log" &
server=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "FAIL: server did not start"; cat "$work/serve.log"; exit 1; }
port="$(cat "$work/port")"
read -r token answer < <(node -e '
  const fs = require("fs");
  const t = JSON.parse(fs.readFileSync(process.argv[1] + "/instructor/tokens.json"));
  const k = JSON.parse(fs.readFileSync(process.argv[1] + "/instructor/key.json"));
  console.log(t.trainees.alice, k.trainees.alice.levels["drop-address"].accepted[0]);' "$work/class")
node "$here/trainee-page.mjs" "http://127.0.0.1:$port/" alice "$token" drop-address "$answer" \
  "$work/page.png"
