#!/usr/bin/env bash
# `npm run build:evm`: `hardhat compile` (Solidity + typechain), incremental in a fresh
# clone too. Hardhat skips every source whose content hash and compiler settings match its
# files cache (cache/hardhat/solidity-files-cache.json) and whose artifacts exist; a clean
# clone has neither, so it would recompile all of contracts/ with solc-js (≈ 100 s).
#
# With VAGUS_CACHE_DIR set, the last successful build (artifacts/evm, cache/hardhat,
# typechain-types) is kept in $VAGUS_CACHE_DIR/hardhat-build and copied into a checkout
# that has no files cache yet. Hardhat then decides as usual: sources that differ from
# the kept build (other commit, other settings) are recompiled, their types regenerated,
# artifacts of removed sources deleted. Without VAGUS_CACHE_DIR: plain `hardhat compile`.
#
# Usage: scripts/build-evm.sh [hardhat compile flags, e.g. --quiet]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

files_cache=cache/hardhat/solidity-files-cache.json
store="${VAGUS_CACHE_DIR:+$VAGUS_CACHE_DIR/hardhat-build}"

seeded=0
if [ -n "$store" ] && [ ! -f "$files_cache" ] && [ -f "$store/complete" ]; then
  seeded=1
  echo "build:evm: no Hardhat files cache here; starting from the build kept in $store"
  rm -rf artifacts/evm cache/hardhat typechain-types
  mkdir -p artifacts cache
  cp -a "$store/evm" artifacts/evm
  cp -a "$store/hardhat" cache/hardhat
  cp -a "$store/typechain-types" typechain-types
  # The files cache is keyed by absolute source paths: move the keys to this checkout.
  node -e '
    const fs = require("node:fs");
    const [file, from, to] = process.argv.slice(1);
    const c = JSON.parse(fs.readFileSync(file, "utf8"));
    const files = {};
    for (const [k, v] of Object.entries(c.files)) files[k.startsWith(from + "/") ? to + k.slice(from.length) : k] = v;
    c.files = files;
    fs.writeFileSync(file, JSON.stringify(c, null, 2));
  ' "$files_cache" "$(cat "$store/root")" "$PWD"
fi

npx hardhat compile "$@"

# An incremental compile leaves one build-info file per compile job; Slither
# (scripts/slither.mjs) reads them all and would then force a full compile during lint,
# beside the tests that read artifacts/evm. After a build started from the kept one, and
# whenever VAGUS_BUILD_ONE_BUILD_INFO=1 (npm test's build stage), force it here instead.
build_infos=$(find artifacts/evm/build-info -name '*.json' 2>/dev/null | wc -l)
if [ "$build_infos" -gt 1 ] && { [ "$seeded" = 1 ] || [ "${VAGUS_BUILD_ONE_BUILD_INFO:-0}" = 1 ]; }; then
  echo "build:evm: $build_infos build-info files: hardhat compile --force, so that Slither reads one"
  npx hardhat compile --force "$@"
fi

# Keep this build when it differs from the kept one and has one build-info file (a build
# started from it then needs no forced compile when nothing changed). Written beside and renamed in, so a
# concurrent reader sees the old build or the new one, never a partial copy.
build_infos=$(find artifacts/evm/build-info -name '*.json' 2>/dev/null | wc -l)
if [ -n "$store" ] && [ "$build_infos" -eq 1 ] && [ -f "$files_cache" ] && [ -d typechain-types ] &&
   ! { [ -f "$store/complete" ] && [ "$(cat "$store/root")" = "$PWD" ] &&
       cmp -s "$files_cache" "$store/hardhat/solidity-files-cache.json" &&
       [ "$(ls artifacts/evm/build-info)" = "$(ls "$store/evm/build-info")" ]; }; then
  mkdir -p "$VAGUS_CACHE_DIR"
  tmp="$store.tmp.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  cp -a artifacts/evm "$tmp/evm"
  cp -a cache/hardhat "$tmp/hardhat"
  cp -a typechain-types "$tmp/typechain-types"
  echo "$PWD" >"$tmp/root"
  touch "$tmp/complete"
  old="$store.old.$$"
  if [ -d "$store" ]; then mv -T "$store" "$old" 2>/dev/null || true; fi
  mv -T "$tmp" "$store" 2>/dev/null || rm -rf "$tmp"
  rm -rf "$old"
fi
