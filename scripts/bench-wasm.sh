#!/usr/bin/env bash
# CosmWasm gas benchmark (`npm run bench:wasm`): runs the compiled artifacts
# (artifacts/wasm/*.wasm) in the embedded engine with the EVM bench's deployments, configs and
# scenarios (scripts/bench/*.ts), prints the table and writes reports/bench-wasm.json.
# Source: wasm-contracts/packages/vagus-wasm-engine/examples/bench.rs (an example, not a
# shipped binary), dev profile, default target dir.
#
# Usage: scripts/bench-wasm.sh [--quick] [--no-vectors] [--out PATH]
#   --quick       skip the 10,000-request fill (also VAGUS_BENCH_QUICK=1); reports use the full run
#   --no-vectors  skip the conformance-vector throughput (steps/s through the engine)
#   --out PATH    report path (default reports/bench-wasm.json)
# Env: VAGUS_WASM_ARTIFACTS  artifacts dir (default artifacts/wasm; not built when set)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

case "${1:-}" in
  -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
esac

# Build the artifacts only when they are missing (the bench checks them against
# checksums.txt and stops on a mismatch).
if [ -z "${VAGUS_WASM_ARTIFACTS:-}" ]; then
  for f in rate_limiter.wasm circuit_breaker.wasm checksums.txt; do
    if [ ! -f "artifacts/wasm/$f" ]; then
      echo "==> artifacts/wasm/$f is missing: bash scripts/build-wasm.sh --no-schema"
      bash scripts/build-wasm.sh --no-schema
      break
    fi
  done
fi

exec cargo run -p vagus-wasm-engine --example bench --locked -- "$@"
