#!/usr/bin/env bash
# Builds the wasmd node of the localnet from source fetched through the Go module proxy,
# and caches the binary. No Docker, no git clone, no prebuilt release download.
#
#   wasmd     v0.54.9 (default; override with WASMD_VERSION). Chosen because its go.mod
#             requires github.com/CosmWasm/wasmvm/v2 v2.2.x: the contracts use
#             cosmwasm-std 2.2 (docs/decisions/0002-cosmwasm-version-line.md), so the node
#             must run wasmvm 2.2. The script checks this in go.mod BEFORE building and in
#             the built binary's module list AFTER building, and fails otherwise.
#   Steps:    go mod download -json github.com/CosmWasm/wasmd@<v>   (module folder)
#             copy it to <out>/src (go install refuses modules with replace directives)
#             go build -trimpath -tags netgo -ldflags <wasmd Makefile's -X flags> ./cmd/wasmd
#             copy libwasmvm.<arch>.so from the wasmvm module to <out>/lib
#   Output:   ${VAGUS_CACHE_DIR:-$HOME/.cache/vagus}/wasmd-<v>/bin/wasmd
#             ${VAGUS_CACHE_DIR:-$HOME/.cache/vagus}/wasmd-<v>/lib/libwasmvm.<arch>.so
#             ${VAGUS_CACHE_DIR:-$HOME/.cache/vagus}/wasmd-<v>/build-info.json
#   Run time: the binary carries RUNPATH $ORIGIN/../lib (plus wasmvm's own rpath into the
#             module cache), so it finds libwasmvm without help; scripts/localnet.sh also
#             sets LD_LIBRARY_PATH=<out>/lib for belt and braces.
#
# Skips the build when the cached binary exists and `wasmd version` prints <v>. The Go
# build cache (default location, `go env GOCACHE`) makes a rebuild after a cache wipe fast.
#
# Usage: scripts/build-wasmd.sh [--print-bin] [--force]
#   --print-bin   print only the binary's path on stdout (progress goes to stderr)
#   --force       rebuild even when the cached binary matches
# Env:   WASMD_VERSION (default v0.54.9), VAGUS_CACHE_DIR, GO (go binary), GOPROXY, GOFLAGS
set -euo pipefail

WASMD_VERSION="${WASMD_VERSION:-v0.54.9}"
REQUIRED_WASMVM_LINE="v2.2."
PRINT_BIN=0
FORCE=0
for arg in "$@"; do
  case "$arg" in
    --print-bin) PRINT_BIN=1 ;;
    --force) FORCE=1 ;;
    -h | --help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "build-wasmd.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log() { echo "build-wasmd: $*" >&2; }
die() { echo "build-wasmd: ERROR: $*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

T0=$(now)
CACHE_DIR="${VAGUS_CACHE_DIR:-$HOME/.cache/vagus}"
OUT="$CACHE_DIR/wasmd-$WASMD_VERSION"
BIN="$OUT/bin/wasmd"
PLAIN_VERSION="${WASMD_VERSION#v}"

case "$(uname -m)" in
  x86_64 | amd64) LIBWASMVM=libwasmvm.x86_64.so ;;
  aarch64 | arm64) LIBWASMVM=libwasmvm.aarch64.so ;;
  *) die "unsupported architecture $(uname -m) (wasmvm ships x86_64 and aarch64 glibc libraries)" ;;
esac

done_msg() {
  if [ "$PRINT_BIN" = 1 ]; then echo "$BIN"; else echo "wasmd: $BIN"; fi
}

# --- cached? -------------------------------------------------------------------------
use_cached() {
  [ "$FORCE" = 0 ] && [ -x "$BIN" ] || return 1
  local have
  have="$(LD_LIBRARY_PATH="$OUT/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$BIN" version 2>&1 || true)"
  if [ "$have" = "$PLAIN_VERSION" ]; then
    log "cached wasmd $have at $BIN (checked in $(elapsed "$T0"))"
    done_msg
    exit 0
  fi
  log "cached binary reports version '$have', want '$PLAIN_VERSION': rebuilding"
  return 1
}
use_cached || true

# One build at a time per version (localnet.sh up, CI and a developer may race); the
# second waits, then finds the first one's binary.
mkdir -p "$CACHE_DIR"
exec 9>"$OUT.lock"
if ! flock -n 9; then
  log "another build of wasmd $WASMD_VERSION is running; waiting for it (up to 1 h)"
  flock -w 3600 9 || die "timed out waiting for $OUT.lock"
  use_cached || true
fi

# --- Go ------------------------------------------------------------------------------
GO="${GO:-}"
if [ -z "$GO" ]; then
  if command -v go >/dev/null 2>&1; then GO="$(command -v go)"
  elif [ -x /usr/local/go/bin/go ]; then GO=/usr/local/go/bin/go
  else
    die "no Go toolchain: put 'go' (>= 1.23) in PATH, install it at /usr/local/go, or set GO=/path/to/go"
  fi
fi
command -v gcc >/dev/null 2>&1 || command -v cc >/dev/null 2>&1 \
  || die "no C compiler (gcc/cc): wasmd links libwasmvm through cgo; apt-get install gcc"
export CGO_ENABLED=1
export GOFLAGS="${GOFLAGS:--mod=mod}"
# wasmd's go.mod says 'go 1.23'; never let Go try to download another toolchain.
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
log "go: $GO ($("$GO" version | awk '{print $3}')), GOPROXY=$("$GO" env GOPROXY), GOCACHE=$("$GO" env GOCACHE)"

# --- fetch and verify the module -----------------------------------------------------
T=$(now)
dl="$("$GO" mod download -json "github.com/CosmWasm/wasmd@$WASMD_VERSION")" \
  || die "go mod download github.com/CosmWasm/wasmd@$WASMD_VERSION failed (Go module proxy reachable?)"
MOD_DIR="$(jq -r .Dir <<<"$dl")"
MOD_GOMOD="$(jq -r .GoMod <<<"$dl")"
MOD_SUM="$(jq -r .Sum <<<"$dl")"
[ -d "$MOD_DIR" ] || die "module folder missing: $MOD_DIR"
WASMVM_REQ="$(awk '$1 == "github.com/CosmWasm/wasmvm/v2" { print $2; exit }' "$MOD_GOMOD")"
case "$WASMVM_REQ" in
  "$REQUIRED_WASMVM_LINE"*) ;;
  *) die "wasmd $WASMD_VERSION requires wasmvm/v2 '${WASMVM_REQ:-none}', not ${REQUIRED_WASMVM_LINE}x (decision 0002)" ;;
esac
log "module wasmd@$WASMD_VERSION ($MOD_SUM) requires wasmvm/v2 $WASMVM_REQ: ok ($(elapsed "$T"))"

# --- build ---------------------------------------------------------------------------
SRC="$OUT/src"
mkdir -p "$OUT/bin" "$OUT/lib"
rm -rf "$SRC"
cp -R "$MOD_DIR" "$SRC"
chmod -R u+w "$SRC" # the module cache is read-only

BUILD_TAGS=netgo
LDFLAGS="-X github.com/cosmos/cosmos-sdk/version.Name=wasm \
 -X github.com/cosmos/cosmos-sdk/version.AppName=wasmd \
 -X github.com/cosmos/cosmos-sdk/version.Version=$PLAIN_VERSION \
 -X github.com/cosmos/cosmos-sdk/version.Commit=goproxy-$MOD_SUM \
 -X github.com/CosmWasm/wasmd/app.Bech32Prefix=wasm \
 -X github.com/cosmos/cosmos-sdk/version.BuildTags=$BUILD_TAGS \
 -extldflags '-Wl,-rpath,\$ORIGIN/../lib'"

# Go >= 1.26: wasmd v0.54.x pins github.com/bytedance/sonic v1.14.0 (pulled in by
# cosmossdk.io/log), whose internal/rt does not compile on Go 1.26 ("undefined:
# GoMapIterator"). sonic v1.15 supports Go 1.26; it is only the JSON encoder of the
# logger, so the bump does not touch consensus or the VM. Older Go keeps wasmd's pin.
OVERRIDES=()
go_minor="$("$GO" env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')"
if [ "${go_minor:-0}" -ge 26 ] 2>/dev/null; then
  OVERRIDES+=("github.com/bytedance/sonic@${SONIC_VERSION:-v1.15.5}")
fi
if [ "${#OVERRIDES[@]}" -gt 0 ]; then
  T=$(now)
  log "dependency overrides for $("$GO" env GOVERSION): ${OVERRIDES[*]}"
  (cd "$SRC" && "$GO" get "${OVERRIDES[@]}") >&2 || die "go get ${OVERRIDES[*]} failed"
  log "overrides applied ($(elapsed "$T"))"
fi

T=$(now)
log "go build ./cmd/wasmd (downloads missing modules; cold: ~10+ min on 2 cores; warm Go build cache: ~30 s) ..."
(cd "$SRC" && "$GO" build -trimpath -tags "$BUILD_TAGS" -ldflags "$LDFLAGS" -o "$BIN.tmp" ./cmd/wasmd) \
  || die "go build failed (see above)"
log "go build done ($(elapsed "$T"))"

# libwasmvm from the exact wasmvm module the build selected.
WASMVM_JSON="$(cd "$SRC" && "$GO" list -m -json github.com/CosmWasm/wasmvm/v2)"
WASMVM_DIR="$(jq -r .Dir <<<"$WASMVM_JSON")"
WASMVM_VER="$(jq -r .Version <<<"$WASMVM_JSON")"
[ -f "$WASMVM_DIR/internal/api/$LIBWASMVM" ] || die "$LIBWASMVM not found in $WASMVM_DIR/internal/api"
install -m 0755 "$WASMVM_DIR/internal/api/$LIBWASMVM" "$OUT/lib/$LIBWASMVM"

# Verify the binary: its module list must name wasmvm 2.2.x, and it must run.
linked="$("$GO" version -m "$BIN.tmp" | awk '$1 == "dep" && $2 == "github.com/CosmWasm/wasmvm/v2" { print $3 }')"
case "$linked" in
  "$REQUIRED_WASMVM_LINE"*) ;;
  *) die "built binary links wasmvm/v2 '${linked:-?}', not ${REQUIRED_WASMVM_LINE}x" ;;
esac
mv -f "$BIN.tmp" "$BIN"
have="$(LD_LIBRARY_PATH="$OUT/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$BIN" version 2>&1)" \
  || die "built binary does not run: $have"
[ "$have" = "$PLAIN_VERSION" ] || die "built binary reports version '$have', want '$PLAIN_VERSION'"
# The source copy is only needed for the build; the Go build cache keeps the objects.
rm -rf "$SRC"

jq -n --arg wasmd "$WASMD_VERSION" --arg sum "$MOD_SUM" --arg wasmvm "$linked" \
  --arg go "$("$GO" version | awk '{print $3}')" --arg lib "$LIBWASMVM" --arg tags "$BUILD_TAGS" \
  --arg built "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg overrides "${OVERRIDES[*]:-}" \
  '{wasmd: $wasmd, module_sum: $sum, wasmvm: $wasmvm, go: $go, libwasmvm: $lib, build_tags: $tags,
    dependency_overrides: ($overrides | split(" ") | map(select(. != ""))), built_at: $built}' \
  >"$OUT/build-info.json"
log "built wasmd $have with wasmvm $linked (module $WASMVM_VER) in $(elapsed "$T0") total"
done_msg
