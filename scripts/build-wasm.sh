#!/usr/bin/env bash
# Builds every CosmWasm contract (workspace members with a cdylib target under
# wasm-contracts/contracts/) to MVP-only wasm and checks it the way a chain would.
#
#   1. /usr/bin/cargo (Debian rustc-web 1.96; rustup's toolchain has no wasm32 target)
#      with panic=immediate-abort: a panic traps at once, without std's message formatting
#      and symbol demangling (~30 KB per contract; the capability issuer needs it to stay
#      under the size limit; docs/decisions/0013). A contract's errors are Results, never
#      panics, so nothing observable is lost.
#      with RUSTC_BOOTSTRAP=1 -Zbuild-std=std,panic_abort and -C target-cpu=mvp, so
#      neither std nor the contract emits bulk-memory/reference-types/sign-ext/...
#      (wasmvm 2.x rejects them), linked by wasm-ld. Own target dir: $WASM_TARGET_DIR.
#   2. wasm-opt -Oz --converge --mvp-features -> artifacts/wasm/<lib_name>.wasm
#   3. wasm-validate with every post-MVP feature disabled (fails on any of them)
#   4. cosmwasm-check with wasmvm 2.2's capabilities (nothing beyond cosmwasm_2_2)
#   5. artifacts/wasm/checksums.txt (sha256sum format, sorted by file name), size table,
#      fails when an artifact is larger than WASM_MAX_BYTES
#   6. JSON schemas (examples/schema.rs, write_api!) -> schema/<contract-dir>/, built
#      natively with the default (rustup) cargo
#
# Idempotent: cargo's own caching plus the artifact cache (steps 2-4 keyed by the raw
# build's sha256, the wasm-opt version and flags, the cosmwasm-check version and
# capabilities) make an unchanged tree a ~seconds no-op, in a fresh clone too.
#
# Usage: scripts/build-wasm.sh [--no-schema]
# Env:   CARGO_TARGET_DIR   native target dir (default <repo>/target)
#        WASM_TARGET_DIR    wasm target dir (default $CARGO_TARGET_DIR/wasm)
#        WASM_MAX_BYTES     size limit per artifact (default 327680 = 320 KiB, docs/decisions/0042)
#        WASM_CARGO / WASM_RUSTC  toolchain for the wasm build (default /usr/bin/...)
#        COSMWASM_CHECK     cosmwasm-check binary (default: PATH, then ~/.cargo/bin)
#        VAGUS_CACHE_DIR    artifact cache in $VAGUS_CACHE_DIR/wasm-opt (default: in $WASM_TARGET_DIR)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

WITH_SCHEMA=1
for arg in "$@"; do
  case "$arg" in
    --no-schema) WITH_SCHEMA=0 ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "build-wasm.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

TARGET=wasm32-unknown-unknown
NATIVE_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
case "$NATIVE_TARGET_DIR" in /*) ;; *) NATIVE_TARGET_DIR="$ROOT/$NATIVE_TARGET_DIR" ;; esac
# Own dir for this flag set (panic=immediate-abort below): cargo does not key artifacts by
# RUSTFLAGS, so sharing a dir with another flag set would rebuild std on every switch.
WASM_TARGET_DIR="${WASM_TARGET_DIR:-$NATIVE_TARGET_DIR/wasm-ia}"
SCHEMA_TARGET_DIR="$NATIVE_TARGET_DIR/schema-native"
WASM_CARGO="${WASM_CARGO:-/usr/bin/cargo}"
WASM_RUSTC="${WASM_RUSTC:-/usr/bin/rustc}"
WASM_MAX_BYTES="${WASM_MAX_BYTES:-327680}"
ARTIFACTS="$ROOT/artifacts/wasm"
SCHEMA_DIR="$ROOT/schema"
# Optimised and checked artifacts keyed by the raw build's hash and the tools' versions:
# under $VAGUS_CACHE_DIR (outside the clone, so CI's clean clones reuse it), else in the
# wasm target dir. wasm-opt -Oz --converge and cosmwasm-check are most of a warm build.
OPT_CACHE="${VAGUS_CACHE_DIR:+$VAGUS_CACHE_DIR/wasm-opt}"
OPT_CACHE="${OPT_CACHE:-$WASM_TARGET_DIR/vagus-opt-cache}"
# wasmvm 2.2 / wasmd default capabilities. A contract requiring anything else fails.
CAPABILITIES="iterator,staking,stargate,cosmwasm_1_1,cosmwasm_1_2,cosmwasm_1_3,cosmwasm_1_4,cosmwasm_2_0,cosmwasm_2_1,cosmwasm_2_2"
# wabt 1.0.32 enables these post-MVP proposals by default; switch every one off.
MVP_VALIDATE_FLAGS=(--disable-mutable-globals --disable-saturating-float-to-int
  --disable-sign-extension --disable-simd --disable-multi-value
  --disable-bulk-memory --disable-reference-types)
# -Oz --converge: the issuer sits at the size limit; -Oz repeated until it stops shrinking
# saves ~1.5 KB on it over -Os (docs/decisions/0003).
WASM_OPT_FLAGS=(-Oz --converge --mvp-features)

log() { printf '==> %s\n' "$*"; }
# Whether $1 is one of the remaining arguments. (Not `printf | grep -q`: under pipefail,
# grep -q exits at the first match and printf's SIGPIPE fails the pipeline.)
contains() { local x="$1" y; shift; for y in "$@"; do [ "$y" = "$x" ] && return 0; done; return 1; }
die() { printf 'build-wasm.sh: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1fs", e - s }'; }

# ---- tools -------------------------------------------------------------------------
need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found ($2); run: sudo bash scripts/install-rust.sh"; }
[ -x "$WASM_CARGO" ] || die "$WASM_CARGO missing (Debian cargo-web); run: sudo bash scripts/install-rust.sh"
[ -x "$WASM_RUSTC" ] || die "$WASM_RUSTC missing (Debian rustc-web); run: sudo bash scripts/install-rust.sh"
[ -d "$("$WASM_RUSTC" --print sysroot)/lib/rustlib/src/rust/library/std" ] ||
  die "std sources missing for $WASM_RUSTC (Debian rust-web-src)"
need wasm-ld "Debian lld"; need wasm-opt "Debian binaryen"; need wasm-validate "Debian wabt"
need wasm-objdump "Debian wabt"; need jq "Debian jq"; need cargo "rustup"
if [ -z "${COSMWASM_CHECK:-}" ]; then
  COSMWASM_CHECK="$(command -v cosmwasm-check || true)"
  [ -n "$COSMWASM_CHECK" ] || COSMWASM_CHECK="$HOME/.cargo/bin/cosmwasm-check"
fi
[ -x "$COSMWASM_CHECK" ] || die "cosmwasm-check not found; run: bash scripts/install-rust.sh"
CHECK_VERSION="$("$COSMWASM_CHECK" --version | awk '{print $NF}')"
case "$CHECK_VERSION" in 2.2.*) ;; *) die "cosmwasm-check $CHECK_VERSION is not 2.2.x; run scripts/install-rust.sh" ;; esac
OPT_VERSION="$(wasm-opt --version)"

# ---- contracts -------------------------------------------------------------------------
# "<package> <lib_name> <contract-dir-name> <schema-example-name or ->" per contract. The
# schema example is the example target whose source is examples/schema.rs (named
# <lib>_schema in Cargo.toml so that two contracts' examples do not collide).
mapfile -t CONTRACTS < <(
  cargo metadata --no-deps --format-version 1 --locked --manifest-path "$ROOT/Cargo.toml" |
    jq -r --arg root "$ROOT/wasm-contracts/contracts/" '
      .workspace_members as $m
      | .packages[]
      | select(.id as $id | any($m[]; . == $id))
      | select(.manifest_path | startswith($root))
      | . as $p
      | ($p.targets[] | select(any(.kind[]; . == "cdylib"))) as $lib
      | [$p.name, $lib.name,
         ($p.manifest_path | split("/") | .[-2]),
         ([$p.targets[] | select(any(.kind[]; . == "example")
                                and (.src_path | endswith("/examples/schema.rs"))) | .name]
          | first // "-")]
      | join(" ")' | sort -k2
)
[ "${#CONTRACTS[@]}" -gt 0 ] || die "no contracts (cdylib members) under wasm-contracts/contracts/"

mkdir -p "$ARTIFACTS" "$OPT_CACHE"
T_ALL=$(now)

# ---- 1. wasm build ---------------------------------------------------------------------
# Everything for the wasm build is passed here, not in .cargo/config.toml, so native
# builds (rustup cargo: tests, clippy) are untouched. Each contract is built on its own
# so that cargo's feature unification cannot switch on another crate's `library`
# feature. std's own dependencies come from crates.io (library/Cargo.lock, --locked).
wasm_cargo() {
  env -u RUSTFLAGS -u CARGO_ENCODED_RUSTFLAGS -u CARGO_BUILD_RUSTFLAGS \
    -u RUSTC_WRAPPER -u RUSTC_WORKSPACE_WRAPPER -u RUSTUP_TOOLCHAIN -u CARGO_BUILD_TARGET \
    RUSTC="$WASM_RUSTC" RUSTDOC="$(dirname "$WASM_RUSTC")/rustdoc" RUSTC_BOOTSTRAP=1 \
    CARGO_TARGET_DIR="$WASM_TARGET_DIR" \
    "$WASM_CARGO" "$@" \
    --config "target.$TARGET.linker=\"wasm-ld\"" \
    --config "target.$TARGET.rustflags=[\"-C\", \"target-cpu=mvp\", \"-C\", \"link-arg=--allow-undefined\", \"-Zunstable-options\", \"-Cpanic=immediate-abort\"]"
}

T=$(now)
for c in "${CONTRACTS[@]}"; do
  read -r pkg lib _dir _schema <<<"$c"
  log "wasm build $pkg ($lib.wasm)"
  wasm_cargo build --release --locked --target "$TARGET" -Zbuild-std=std,panic_abort \
    -p "$pkg" --lib
done
T_BUILD=$(since "$T")

# ---- 2-4. optimise, validate, check ---------------------------------------------------------
T=$(now)
expected=()
for c in "${CONTRACTS[@]}"; do
  read -r pkg lib _dir _schema <<<"$c"
  raw="$WASM_TARGET_DIR/$TARGET/release/$lib.wasm"
  out="$ARTIFACTS/$lib.wasm"
  expected+=("$lib.wasm")
  [ -f "$raw" ] || die "$raw was not produced"

  raw_sha=$(sha256sum "$raw" | cut -d' ' -f1)
  key="raw=$raw_sha opt=[$OPT_VERSION ${WASM_OPT_FLAGS[*]}] check=[$CHECK_VERSION $CAPABILITIES]"
  cached="$OPT_CACHE/$lib-$(printf '%s' "$key" | sha256sum | cut -d' ' -f1).wasm"
  if [ -f "$cached" ] && [ -f "$cached.sha256" ] &&
     [ "$(cat "$cached.sha256")" = "$(sha256sum <"$cached" | cut -d' ' -f1)" ]; then
    # The same raw build through the same wasm-opt and cosmwasm-check gives the same
    # artifact: skip both. The cheap structural checks run again on what is copied.
    cp -f "$cached" "$out.tmp" && mv -f "$out.tmp" "$out"
    touch "$cached" "$cached.sha256"
    echo "$lib.wasm: from the build cache (same raw build, wasm-opt and cosmwasm-check)"
    wasm-validate "${MVP_VALIDATE_FLAGS[@]}" "$out" || die "$lib.wasm uses post-MVP features"
    exports=$(wasm-objdump -x -j Export "$out")
    for e in instantiate execute query; do
      grep -q "\"$e\"" <<<"$exports" || die "$lib.wasm does not export '$e' (library feature on?)"
    done
    continue
  fi

  # Gate the raw build first: wasm-opt --mvp-features would also refuse post-MVP input,
  # but with pages of diagnostics.
  wasm-validate "${MVP_VALIDATE_FLAGS[@]}" "$raw" ||
    die "$raw uses post-MVP wasm features (was std rebuilt with target-cpu=mvp?)"

  log "wasm-opt ${WASM_OPT_FLAGS[*]} $lib.wasm"
  wasm-opt "${WASM_OPT_FLAGS[@]}" "$raw" -o "$out.tmp"
  mv -f "$out.tmp" "$out"

  log "wasm-validate (MVP only) $lib.wasm"
  wasm-validate "${MVP_VALIDATE_FLAGS[@]}" "$out" ||
    die "$lib.wasm uses post-MVP wasm features; wasmvm 2.x would reject it"

  # A contract built with its `library` feature on has no entry points.
  exports=$(wasm-objdump -x -j Export "$out")
  for e in instantiate execute query; do
    grep -q "\"$e\"" <<<"$exports" || die "$lib.wasm does not export '$e' (library feature on?)"
  done

  log "cosmwasm-check $CHECK_VERSION $lib.wasm"
  "$COSMWASM_CHECK" --available-capabilities "$CAPABILITIES" "$out"

  # Into the cache only after every check passed; the .sha256 is written first and the
  # artifact renamed in last, so a reader never takes a half-written entry.
  sha256sum <"$out" | cut -d' ' -f1 >"$cached.sha256.tmp.$$" && mv -f "$cached.sha256.tmp.$$" "$cached.sha256"
  cp -f "$out" "$cached.tmp.$$" && mv -f "$cached.tmp.$$" "$cached"
done
# Entries unused for 30 days (each hit touches its entry).
find "$OPT_CACHE" -type f -mtime +30 -delete 2>/dev/null || true
T_CHECK=$(since "$T")

# Artifacts of contracts that no longer exist would otherwise linger in checksums.txt.
for f in "$ARTIFACTS"/*.wasm; do
  [ -e "$f" ] || continue
  n=$(basename "$f")
  contains "$n" "${expected[@]}" || { echo "removing stale $n"; rm -f "$f"; }
done

# ---- 5. checksums + sizes ---------------------------------------------------------------------
(cd "$ARTIFACTS" && sha256sum -- *.wasm | LC_ALL=C sort -k2 > checksums.txt.tmp &&
  mv -f checksums.txt.tmp checksums.txt)

too_big=0
printf '\n%-28s %10s %10s %7s\n' "artifact" "raw bytes" "bytes" "limit%"
for c in "${CONTRACTS[@]}"; do
  read -r _pkg lib _dir _schema <<<"$c"
  raw_size=$(stat -c %s "$WASM_TARGET_DIR/$TARGET/release/$lib.wasm")
  size=$(stat -c %s "$ARTIFACTS/$lib.wasm")
  pct=$(( size * 100 / WASM_MAX_BYTES ))
  flag=""; [ "$size" -le "$WASM_MAX_BYTES" ] || { flag="  > LIMIT"; too_big=1; }
  printf '%-28s %10d %10d %6d%%%s\n' "$lib.wasm" "$raw_size" "$size" "$pct" "$flag"
done
printf '(limit %d bytes per artifact)\n\n' "$WASM_MAX_BYTES"
[ "$too_big" -eq 0 ] || die "artifact(s) larger than $WASM_MAX_BYTES bytes"

# ---- 6. schemas -----------------------------------------------------------------------------
T=$(now)
if [ "$WITH_SCHEMA" -eq 1 ]; then
  stage="$NATIVE_TARGET_DIR/vagus-schema-stage"
  keep=()
  for c in "${CONTRACTS[@]}"; do
    read -r pkg _lib dir example <<<"$c"
    [ "$example" != "-" ] || { echo "$pkg: no examples/schema.rs, no schema"; continue; }
    keep+=("$dir")
    # Native build with the default (rustup) cargo, in its own target dir: built alone, a
    # contract has other features than in `cargo test --workspace`, and a cdylib's outputs
    # carry no hash suffix, so in the tests' dir each build would undo the other's (~40 s
    # here and ~90 s in the tests, on every run).
    CARGO_TARGET_DIR="$SCHEMA_TARGET_DIR" cargo build --quiet --locked -p "$pkg" --example "$example"
    rm -rf "$stage" && mkdir -p "$stage"
    (cd "$stage" && "$SCHEMA_TARGET_DIR/debug/examples/$example" >/dev/null)
    [ -d "$stage/schema" ] || die "$pkg: examples/schema.rs wrote no schema/"
    mkdir -p "$SCHEMA_DIR"
    if ! diff -r -q "$stage/schema" "$SCHEMA_DIR/$dir" >/dev/null 2>&1; then
      rm -rf "$SCHEMA_DIR/$dir" && mv "$stage/schema" "$SCHEMA_DIR/$dir"
      echo "schema/$dir/ updated"
    else
      echo "schema/$dir/ unchanged"
    fi
  done
  rm -rf "$stage"
  # Generated dirs (they hold raw/) of contracts that no longer exist.
  for d in "$SCHEMA_DIR"/*/; do
    [ -d "$d/raw" ] || continue
    n=$(basename "$d")
    contains "$n" "${keep[@]}" || { echo "removing stale schema/$n/"; rm -rf "$d"; }
  done
fi
T_SCHEMA=$(since "$T")

echo
cat "$ARTIFACTS/checksums.txt"
echo
echo "timings: wasm build $T_BUILD, opt+validate+check $T_CHECK, schema $T_SCHEMA, total $(since "$T_ALL")"
