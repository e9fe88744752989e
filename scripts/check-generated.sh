#!/usr/bin/env bash
# Generated files (typechain types, CosmWasm JSON schemas) are committed so reviewers see
# message-surface changes. After a build they must be exactly what is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(typechain-types schema)
if ! git rev-parse --git-dir >/dev/null 2>&1; then
  echo "not a git checkout; skipping the generated-files comparison"; exit 0
fi
changes=$(git status --porcelain -- "${paths[@]}")
if [ -n "$changes" ]; then
  echo "Generated files differ from the committed ones:" >&2
  echo "$changes" >&2
  git --no-pager diff --stat -- "${paths[@]}" >&2 || true
  echo "Run 'npm run build' and commit the result." >&2
  exit 1
fi
echo "typechain-types/ and schema/ match the build"
