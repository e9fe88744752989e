#!/usr/bin/env bash
# `npm run test:predeploy`: the suites a release must pass before it is deployed: unit
# tests of both stacks, invariant (property) tests, and the equivalence run between
# them. Each is an existing npm script; a missing one is a failure, not a skip.
set -uo pipefail
cd "$(dirname "$0")/.."
# The results, with the checksums of the artifacts the suites ran on, go to
# release/predeploy.json (scripts/record-predeploy.ts), which `npm run prepare-deployment`
# requires green and from the same artifacts.
passed=0; failed=0; results=()
record() { npx ts-node --transpile-only scripts/record-predeploy.ts "$@"; }
record before
stage() {
  local id="$1" name="$2"; shift 2
  printf '\n=== predeploy: %s ===\n' "$name"
  if "$@"; then passed=$((passed + 1)); results+=("$id=0"); else failed=$((failed + 1)); results+=("$id=1"); echo "--- predeploy: $name FAILED"; fi
}
has_script() { node -e "process.exit(require('./package.json').scripts[process.argv[1]] ? 0 : 1)" "$1"; }
run_script() {
  if has_script "$1"; then npm run --silent "$1"; else echo "npm script '$1' does not exist (it belongs to the equivalence work, h-eq)"; return 1; fi
}
stage evm "unit + conformance, EVM (hardhat)" run_script test:evm
stage wasm "unit + conformance + invariants, CosmWasm (cargo)" run_script test:wasm
if has_script test:invariants; then stage invariants "invariant campaigns" run_script test:invariants; fi
stage equivalence "equivalence (both stacks, same scenarios)" run_script test:equivalence
record after "${results[@]}"
echo
echo "predeploy: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
