#!/usr/bin/env bash
# `npm run prepare-deployment`: build both stacks, then the release gates (versions,
# equivalence report and predeploy results of these artifacts, SBOM, notes, rollback plan;
# src/release/prepare.ts) and, when all pass, the release in release/ (VAGUS_RELEASE_DIR).
# Set VAGUS_SKIP_BUILD=1 to reuse artifacts already built (CI builds them in `npm test`).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${VAGUS_SKIP_BUILD:-0}" != 1 ]; then
  echo "== build (npm run build:evm, build:wasm)"
  npm run --silent build:evm
  npm run --silent build:wasm
fi
echo "== release gates, then manifest, SBOM, notes, rollback plan"
exec npx ts-node --transpile-only scripts/prepare-deployment.ts
