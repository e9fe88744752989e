#!/usr/bin/env bash
# `npm run test:predeploy`: the suites a release must pass before it is deployed: unit
# tests of both stacks, invariant (property) tests, and the equivalence run between
# them. Each is an existing npm script; a missing one is a failure, not a skip.
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0; failed=0
stage() {
  local name="$1"; shift
  printf '\n=== predeploy: %s ===\n' "$name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "--- predeploy: $name FAILED"; fi
}
has_script() { node -e "process.exit(require('./package.json').scripts[process.argv[1]] ? 0 : 1)" "$1"; }
run_script() {
  if has_script "$1"; then npm run --silent "$1"; else echo "npm script '$1' does not exist (it belongs to the equivalence work, h-eq)"; return 1; fi
}
stage "unit + conformance, EVM (hardhat)" run_script test:evm
stage "unit + conformance + invariants, CosmWasm (cargo)" run_script test:wasm
if has_script test:invariants; then stage "invariant campaigns" run_script test:invariants; fi
stage "equivalence (both stacks, same scenarios)" run_script test:equivalence
echo
echo "predeploy: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
