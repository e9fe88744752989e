#!/usr/bin/env bash
# `npm run bench:deploy`: time and gas of deploying both stacks to the localnets
# (started here if needed, left running). Writes reports/deploy-bench.json and the
# Deployment section of BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/localnet.sh up
exec npx hardhat run scripts/bench-deploy.ts --network localhost
