#!/usr/bin/env bash
# Installs Slither (static analysis of the Solidity contracts, run by `npm run lint`) into
# a Python venv under the cache: ${VAGUS_CACHE_DIR:-$HOME/.cache/vagus}/slither-<v>/.
# Idempotent: skipped when that venv's completion stamp names that version. Needs PyPI
# and Debian's python3-venv (installed through apt-get when missing; root or sudo).
#
# Env: SLITHER_VERSION (default 0.11.6), VAGUS_CACHE_DIR.
set -euo pipefail

SLITHER_VERSION="${SLITHER_VERSION:-0.11.6}"
CACHE_DIR="${VAGUS_CACHE_DIR:-$HOME/.cache/vagus}"
VENV="$CACHE_DIR/slither-$SLITHER_VERSION"
STAMP="$VENV/.vagus-installed"

log() { printf '\n==> %s\n' "$*"; }

if [ -x "$VENV/bin/slither" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$SLITHER_VERSION" ]; then
  echo "slither $SLITHER_VERSION already installed ($VENV)"
  exit 0
fi

if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "install-slither.sh: E_SLITHER_VENV: python3-venv is missing and needs root (or sudo) to install" >&2
      exit 1
    fi
  fi
  log "apt-get install python3-venv"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv
fi

log "slither-analyzer $SLITHER_VERSION into $VENV"
# The stamp is written last: an interrupted install leaves no stamp, and the next run
# starts the venv over instead of trusting a half-filled one.
rm -rf "$VENV"
mkdir -p "$CACHE_DIR"
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check --no-input "slither-analyzer==$SLITHER_VERSION"
"$VENV/bin/slither" --version
echo "$SLITHER_VERSION" > "$STAMP"
