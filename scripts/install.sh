#!/usr/bin/env bash
# One command that installs everything this project needs on a fresh Debian 12 machine:
# Debian packages (Rust-for-wasm toolchain, wasm tools, Prometheus), npm packages, the
# Rust side (cosmwasm-check, crate sources). Idempotent: a second run does nothing new.
# Run as root (CI does), or as a user with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n==> %s\n' "$*"; }

# Each step's seconds go to reports/install-times.json at the end (BENCHMARKS.md,
# `npm run bench:record`); "cold" means Debian packages were missing at the start.
T_INSTALL=$SECONDS
T_STEP=$SECONDS
STEP_TIMES=()
step_done() { STEP_TIMES+=("$1=$((SECONDS - T_STEP))"); T_STEP=$SECONDS; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install.sh: needs root (or sudo) for apt-get" >&2; exit 1
  fi
fi

# Debian packages. rustc-web/cargo-web/rust-web-src: a Rust whose std sources let us
# rebuild std for the wasm MVP feature set (docs/decisions/0003); lld: wasm-ld; wabt:
# wasm-validate; binaryen: wasm-opt; prometheus: the metrics tests' server; python3-venv:
# Slither's venv.
APT_PACKAGES=(rustc-web cargo-web rust-web-src lld wabt binaryen prometheus jq curl ca-certificates python3-venv)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  log "Debian packages already installed"
fi
cold=false; [ "${#missing[@]}" -eq 0 ] || cold=true
step_done "Debian packages"

log "npm ci"
# A stamp of the lockfile's hash lets a second run skip the reinstall.
lock_sha=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.vagus-lock-sha256 2>/dev/null)" = "$lock_sha" ]; then
  echo "node_modules matches package-lock.json"
else
  npm ci --no-audit --no-fund
  echo "$lock_sha" > node_modules/.vagus-lock-sha256
fi
step_done "npm ci"

# Slither's install is mostly PyPI downloads: it runs beside the CPU-bound Rust and Go
# builds below, its output kept in a log and shown when it is waited for.
log "Slither (static analysis of the Solidity contracts, run by npm run lint), in the background"
slither_log=$(mktemp)
bash scripts/install-slither.sh >"$slither_log" 2>&1 &
slither_pid=$!

log "Rust side (cosmwasm-check, crate sources)"
bash scripts/install-rust.sh
step_done "Rust side"

log "wasmd (the CosmWasm localnet node, built from source through the Go module proxy)"
bash scripts/build-wasmd.sh
step_done "wasmd"

log "Slither (waiting for the background install)"
if wait "$slither_pid"; then cat "$slither_log"; rm -f "$slither_log"; else
  cat "$slither_log" >&2; rm -f "$slither_log"
  echo "install.sh: the Slither install failed (log above)" >&2; exit 1
fi

step_done "Slither (waited for)"

mkdir -p reports
total=$((SECONDS - T_INSTALL))
COLD="$cold" TOTAL="$total" node -e '
  const fs = require("node:fs");
  const steps = process.argv.slice(1).map((s) => { const i = s.lastIndexOf("="); return { name: s.slice(0, i), seconds: Number(s.slice(i + 1)) }; });
  const r = { date: new Date().toISOString(), seconds: Number(process.env.TOTAL), cold: process.env.COLD === "true", steps };
  fs.writeFileSync("reports/install-times.json.tmp", JSON.stringify(r, null, 2) + "\n");
  fs.renameSync("reports/install-times.json.tmp", "reports/install-times.json");
' "${STEP_TIMES[@]}" || echo "(could not write reports/install-times.json)"
# CI's clone is thrown away; the cache dir is not.
if [ -n "${VAGUS_CACHE_DIR:-}" ] && [ -f reports/install-times.json ]; then
  mkdir -p "$VAGUS_CACHE_DIR/reports" && cp reports/install-times.json "$VAGUS_CACHE_DIR/reports/install-times.json"
fi

log "install complete (${total} s)"
