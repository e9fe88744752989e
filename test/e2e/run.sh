#!/usr/bin/env bash
# `npm run test:e2e`: end-to-end tests against the localnets (`npm run localnet:up` first;
# .ci/run does it). Fails, rather than skips, when a node is not running.
set -uo pipefail
cd "$(dirname "$0")/../.."
passed=0; failed=0
run() {
  local name="$1"; shift
  printf '\n=== e2e: %s ===\n' "$name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "--- e2e: $name FAILED"; fi
}
bash scripts/localnet.sh status >/dev/null 2>&1 || true
run "artifacts on a real wasmd (wasmvm 2.2)" bash test/e2e/wasmd-smoke.sh
# Mocha suites on both real nodes: the cosmjs backend, then the deployment toolkit's entry
# points (deploy killed and resumed, verify, a parameter drift, governance, timelock mode).
run "cosmjs backend on wasmd" npx hardhat test --network localhost test/e2e/cosmjs-client.test.ts
run "embedded engine vs wasmd: same steps, same outcomes" npx hardhat test --network localhost test/e2e/engine-vs-wasmd.test.ts
# The operator option of docs/pinning.md: scripts/wasm-pin-codes.sh refuses bad input, pins a
# fresh code through a governance proposal (20 s voting period), and a call gets 58,000 cheaper.
run "pin a CosmWasm code through governance (scripts/wasm-pin-codes.sh)" npx hardhat test --network localhost test/e2e/pinning.test.ts
run "deploy both stacks, kill and resume, sync, verify" npx hardhat test --network localhost test/e2e/deploy.test.ts
run "backup round trip: deploy, vagus:backup, delete, restore, verify" npx hardhat test --network localhost test/e2e/backup.test.ts
run "governance: propose, execute after eta, guardian cancel, multisig export (vagus:gov)" npx hardhat test --network localhost test/e2e/governance.test.ts
run "access review (unplanned grant), recovery of a deleted deployments/, snapshot" npx hardhat test --network localhost test/e2e/access.test.ts
run "rollback: governance upgrade v2 and rollback to v1, emergency rollback (both stacks)" npx hardhat test --network localhost test/e2e/rollback.test.ts
# The exporter on both nodes, scraped by a real Prometheus (started and stopped by the test on
# VAGUS_E2E_PROMETHEUS_PORT, default 19990): counters = chain truth, alerts firing.
run "monitoring: exporter + Prometheus + alerts on both nodes" npx hardhat test --network localhost test/e2e/monitoring.test.ts
# Emergency pause on both nodes: the runbook's wasmd `emergency_pause` line, the drill (pause,
# check, staged unpause through both timelocks), bad input, --executor, an idempotent rerun.
run "emergency pause: wasmd CLI line, drill, --executor, idempotent" npx hardhat test --network localhost test/e2e/emergency.test.ts
# The incident commands (src/incident): breaker trip/reset, a temporary raise that expires by
# itself with the usage kept, executor pause/unpause, ANS status, bad input refused.
run "incident commands on both nodes" npx hardhat test --network localhost test/e2e/incident.test.ts
# Release gates (version rule, stale report, notes, rollback plan) and vagus:check (fresh,
# tampered journal, out-of-band grant, one-stack parameter) on one deployment.
run "release gates and the daily check" npx hardhat test --network localhost test/e2e/release.test.ts
echo
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
