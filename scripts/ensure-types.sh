#!/usr/bin/env bash
# typechain-types/ is generated, not committed. Tests, scripts and tasks import its types,
# so `tsc --noEmit` and the type-aware eslint need it: generate it when it is missing (a
# fresh clone), else let Hardhat's incremental compile refresh it after contract changes.
# Inside `npm test` (VAGUS_TEST_BUILT=1) the build stage has just compiled, and the ts
# tests run beside lint: compiling again here could rewrite Hardhat's files cache while
# they read it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f typechain-types/index.ts ]; then
  echo "typechain-types/ is missing: generating it (npx hardhat typechain)" >&2
  npx hardhat typechain
elif [ "${VAGUS_TEST_BUILT:-0}" != "1" ]; then
  npx hardhat compile --quiet
fi
