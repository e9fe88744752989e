#!/usr/bin/env bash
# `npm test`: every check of both stacks, in the order that fails fastest.
# Each stage prints a header; the last line is a plain "N passed, N failed" count of
# stages. Stop at the first failing stage unless VAGUS_TEST_KEEP_GOING=1.
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
failed_names=()
keep_going="${VAGUS_TEST_KEEP_GOING:-0}"

stage() {
  local name="$1"; shift
  printf '\n=== %s ===\n' "$name"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    printf -- '--- %s: ok (%ss)\n' "$name" "$((SECONDS - start))"
  else
    failed=$((failed + 1))
    failed_names+=("$name")
    printf -- '--- %s: FAILED (%ss)\n' "$name" "$((SECONDS - start))"
    if [ "$keep_going" != "1" ]; then finish; fi
  fi
}

finish() {
  echo
  if [ "$failed" -gt 0 ]; then echo "failed stages: ${failed_names[*]}"; fi
  echo "stages: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

stage "spec vectors are well-formed" node scripts/check-vectors.mjs
stage "build (solidity, typechain, wasm, schemas, engine)" npm run --silent build
stage "generated files are committed and current" bash scripts/check-generated.sh
stage "lint and format" npm run --silent lint
stage "ts tests (hardhat: evm unit, drift, vectors, cbor, engine client)" npm run --silent test:evm
stage "wasm tests (cargo: unit, cw-multi-test, engine, vectors, drift)" npm run --silent test:wasm
stage "monitoring (promtool check + alert unit tests, dashboard, exporter)" npm run --silent test:monitoring
stage "equivalence (both stacks: corpus, deliberate divergence, 10,000-step campaign, report)" npm run --silent test:equivalence
finish
