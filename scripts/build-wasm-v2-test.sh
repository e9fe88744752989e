#!/usr/bin/env bash
# Builds the test-only v2 of the rate limiter (cargo feature `v2-test`: cw2 version 99.0.0,
# a migrate that stores a capacity bonus, default_config reporting it) for the rollback
# e2e, to test-build/wasm/rate_limiter_v2_test.wasm — outside artifacts/, never released.
# Same toolchain and flags as scripts/build-wasm.sh (MVP-only wasm), then wasm-opt.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGET=wasm32-unknown-unknown
NATIVE_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
# Its own dir: the feature changes the crate's output, and sharing the release build's dir
# would make the next release build rebuild the crate.
WASM_TARGET_DIR="${WASM_V2_TARGET_DIR:-$NATIVE_TARGET_DIR/wasm-ia-v2test}"
OUT_DIR="${VAGUS_TEST_BUILD_DIR:-$ROOT/test-build}/wasm"
OUT="$OUT_DIR/rate_limiter_v2_test.wasm"
mkdir -p "$OUT_DIR"
# Reuse the release build's std (built once) when this dir is new.
if [ ! -d "$WASM_TARGET_DIR" ] && [ -d "$NATIVE_TARGET_DIR/wasm-ia" ]; then
  cp -a "$NATIVE_TARGET_DIR/wasm-ia" "$WASM_TARGET_DIR"
fi
env -u RUSTFLAGS -u CARGO_ENCODED_RUSTFLAGS -u CARGO_BUILD_RUSTFLAGS \
  -u RUSTC_WRAPPER -u RUSTC_WORKSPACE_WRAPPER -u RUSTUP_TOOLCHAIN -u CARGO_BUILD_TARGET \
  RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$WASM_TARGET_DIR" \
  /usr/bin/cargo build --release --locked --target "$TARGET" -Zbuild-std=std,panic_abort \
  -p vagus-rate-limiter --lib --features v2-test \
  --config "target.$TARGET.linker=\"wasm-ld\"" \
  --config "target.$TARGET.rustflags=[\"-C\", \"target-cpu=mvp\", \"-C\", \"link-arg=--allow-undefined\", \"-Zunstable-options\", \"-Cpanic=immediate-abort\"]"
wasm-opt -Oz --mvp-features "$WASM_TARGET_DIR/$TARGET/release/rate_limiter.wasm" -o "$OUT.tmp"
mv -f "$OUT.tmp" "$OUT"
echo "$OUT"
