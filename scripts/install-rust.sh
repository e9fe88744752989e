#!/usr/bin/env bash
# Installs the Rust side of the project on Debian 12; idempotent, non-interactive (CI).
#
#   - Debian packages: rustc-web cargo-web rust-web-src (Rust 1.96 whose std sources let
#     scripts/build-wasm.sh rebuild std for the wasm MVP feature set), lld (wasm-ld),
#     wabt (wasm-validate), binaryen (wasm-opt), jq. Skipped when already installed.
#   - cosmwasm-check $COSMWASM_CHECK_VERSION into ~/.cargo/bin (cargo install --locked),
#     skipped when that version is already there. Compiling it (wasmer) takes ~10+ min
#     on 2 cores the first time.
#   - cargo fetch for the workspace (and std's own dependencies for -Zbuild-std).
#
# Run as root (or with sudo available) for the apt part. Needs crates.io.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

COSMWASM_CHECK_VERSION="${COSMWASM_CHECK_VERSION:-2.2.10}"
APT_PACKAGES=(rustc-web cargo-web rust-web-src lld wabt binaryen jq)
export DEBIAN_FRONTEND=noninteractive

log() { printf '\n==> %s\n' "$*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
fi

# ---- Debian packages ---------------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] && [ -z "$SUDO" ]; then
    echo "install-rust.sh: needs root (or sudo) to install: ${missing[*]}" >&2; exit 1
  fi
  log "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
else
  log "Debian packages already installed (${APT_PACKAGES[*]})"
fi

# ---- the cargo used for native work and cargo install --------------------------------
# rustup's cargo when present (native tests/clippy/fmt use it); Debian's otherwise.
if [ -x "$HOME/.cargo/bin/cargo" ] && "$HOME/.cargo/bin/cargo" --version >/dev/null 2>&1; then
  CARGO="$HOME/.cargo/bin/cargo"
elif command -v cargo >/dev/null 2>&1; then
  CARGO="$(command -v cargo)"
else
  CARGO=/usr/bin/cargo
fi
echo "cargo: $CARGO ($("$CARGO" --version))"

# ---- cosmwasm-check ---------------------------------------------------------------------
CHECK_BIN="$HOME/.cargo/bin/cosmwasm-check"
have=""
[ -x "$CHECK_BIN" ] && have="$("$CHECK_BIN" --version 2>/dev/null | awk '{print $NF}')"
if [ "$have" = "$COSMWASM_CHECK_VERSION" ]; then
  log "cosmwasm-check $have already installed ($CHECK_BIN)"
else
  log "cargo install cosmwasm-check $COSMWASM_CHECK_VERSION (was: ${have:-none}); compiles wasmer, takes a while"
  # --root keeps the binary in ~/.cargo/bin even when Debian's cargo does the install.
  "$CARGO" install cosmwasm-check --version "=$COSMWASM_CHECK_VERSION" --locked \
    --root "$HOME/.cargo" --force
  have="$("$CHECK_BIN" --version | awk '{print $NF}')"
  [ "$have" = "$COSMWASM_CHECK_VERSION" ] || { echo "cosmwasm-check reports $have" >&2; exit 1; }
fi
case ":$PATH:" in *":$HOME/.cargo/bin:"*) ;; *)
  echo "note: add $HOME/.cargo/bin to PATH (scripts/build-wasm.sh also finds it there)" ;;
esac

# ---- crate sources ----------------------------------------------------------------------
log "cargo fetch (workspace, Cargo.lock)"
"$CARGO" fetch --locked --manifest-path "$ROOT/Cargo.toml"

# std's own dependencies for -Zbuild-std (resolved from std's Cargo.lock). Fetching them
# now means the first wasm build needs nothing from the network for std.
STD_LIB="$(/usr/bin/rustc --print sysroot)/lib/rustlib/src/rust/library"
log "cargo fetch (std's dependencies for -Zbuild-std, $STD_LIB/Cargo.lock)"
RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 /usr/bin/cargo fetch --locked \
  --manifest-path "$STD_LIB/Cargo.toml"

log "Rust side installed"
