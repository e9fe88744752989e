#!/usr/bin/env bash
# `npm run test:monitoring`: the alert rules (promtool check + unit tests), the dashboard
# is current and queries only exported metrics, and the exporter's unit tests.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v promtool >/dev/null || { echo "promtool not found: bash scripts/install.sh installs the Debian prometheus package" >&2; exit 1; }
promtool check rules monitoring/prometheus/alerts.yml
(cd monitoring/prometheus && promtool test rules alerts.test.yml)
npx hardhat test test/monitoring/*.test.ts
