#!/usr/bin/env bash
# clang-tidy readability checks on the C++ files a change touches (library and CLI code; tests
# and benchmarks are left out). Needs a configured build with compile_commands.json.
#
#   scripts/tidy.sh                # files changed by the last commit
#   scripts/tidy.sh main~5         # files changed since main~5
#   BUILD=build/asan scripts/tidy.sh
set -euo pipefail
cd "$(dirname "$0")/.."
base="${1:-HEAD~1}"
build="${BUILD:-build/release}"
if [[ ! -f "$build/compile_commands.json" ]]; then
  echo "tidy: $build/compile_commands.json missing: configure first (cmake --preset release)" >&2
  exit 2
fi
if ! git rev-parse -q --verify "$base^{commit}" >/dev/null; then
  echo "tidy: no commit '$base' (a shallow clone?): nothing to compare with, nothing checked"
  exit 0
fi
# What the style guide asks and a reviewer would otherwise flag by hand: short functions,
# names, no redundant code. Errors, not warnings: CI fails on them.
checks='-*,readability-function-size,readability-identifier-naming,readability-else-after-return,'
checks+='readability-redundant-string-cstr,readability-redundant-smartptr-get,'
checks+='readability-container-size-empty,readability-misleading-indentation,'
checks+='readability-inconsistent-declaration-parameter-name,readability-redundant-control-flow'
config='{CheckOptions: [
  {key: readability-function-size.LineThreshold, value: 100},
  {key: readability-identifier-naming.ClassCase, value: CamelCase},
  {key: readability-identifier-naming.StructCase, value: CamelCase},
  {key: readability-identifier-naming.EnumCase, value: CamelCase},
  {key: readability-identifier-naming.PrivateMemberPrefix, value: m_}]}'
mapfile -t files < <(git diff --name-only --diff-filter=AM "$base" -- '*.cc' |
  grep -E '^(core|wire|exporter|collector|model|sim|planner|detect|conformance|sweep|training|cli)/' |
  grep -v -E '^(training/src/web-page\.cc)$' || true)
if [[ ${#files[@]} -eq 0 ]]; then
  echo "tidy: no library or CLI source changed since $base"
  exit 0
fi
echo "tidy: ${#files[@]} file(s) changed since $base"
# GCC-only warning flags in the compile commands are not clang-tidy's business.
clang-tidy -p "$build" --quiet --checks="$checks" --config="$config" \
  --extra-arg=-Wno-unknown-warning-option --warnings-as-errors='*' "${files[@]}"
