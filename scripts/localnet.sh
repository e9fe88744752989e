#!/usr/bin/env bash
# Local chains as plain background processes (no Docker): a Hardhat node (EVM) and a
# single-validator wasmd node (CosmWasm, wasmvm 2.2). See localnet/README.md.
#
# Usage: scripts/localnet.sh up|down|status|logs|reset|env [evm|wasm|all]   (default: all)
#   up      start what is not running, wait until it answers (bounded), print endpoints.
#           Re-running it while everything runs is a no-op. Builds wasmd first if the
#           cached binary is missing (scripts/build-wasmd.sh; minutes the first time).
#   down    stop (SIGTERM to the process group, SIGKILL after a grace period); safe when
#           nothing runs. Chain state is kept (wasm); Hardhat's state is in memory only.
#   status  print what runs; exit 0 when every selected chain runs and answers, else 3.
#   logs    print the last $LINES (default 60) lines of each selected log and its path.
#   reset   down, then delete the selected chain's state (wasm: genesis is re-created).
#   env     print the sourceable environment file (.localnet/env) after `up`.
#
# Env (defaults):
#   VAGUS_LOCALNET_DIR      .localnet (relative paths are relative to the repo root)
#   VAGUS_CACHE_DIR         ~/.cache/vagus (where scripts/build-wasmd.sh caches wasmd)
#   VAGUS_EVM_PORT          8545
#   VAGUS_WASM_RPC_PORT     26657   VAGUS_WASM_P2P_PORT   26656   VAGUS_WASM_ABCI_PORT 26658
#   VAGUS_WASM_API_PORT     1317    VAGUS_WASM_GRPC_PORT  9090
#   VAGUS_WASM_PROMETHEUS   false   VAGUS_WASM_PROMETHEUS_PORT 26660 (CometBFT metrics)
#   VAGUS_WASM_TIMEOUT_COMMIT 250ms
#   VAGUS_WASM_LOG_LEVEL    consensus:warn,state:warn,txindex:warn,*:info (wasmd --log_level)
#   VAGUS_LOCALNET_TIMEOUT  120     seconds `up` waits for each chain
#   VAGUS_LOCALNET_STOP_TIMEOUT 15  seconds `down` waits after SIGTERM before SIGKILL
#   WASMD_VERSION           scripts/build-wasmd.sh's default (v0.54.9)
#
# Some settings are only read through ${NAME} in localnet/wasmd-config.tsv:
# shellcheck disable=SC2034
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# --- settings --------------------------------------------------------------------------
STATE_DIR="${VAGUS_LOCALNET_DIR:-.localnet}"
case "$STATE_DIR" in /*) ;; *) STATE_DIR="$ROOT/$STATE_DIR" ;; esac
EVM_PORT="${VAGUS_EVM_PORT:-8545}"
WASM_RPC_PORT="${VAGUS_WASM_RPC_PORT:-26657}"
WASM_P2P_PORT="${VAGUS_WASM_P2P_PORT:-26656}"
WASM_ABCI_PORT="${VAGUS_WASM_ABCI_PORT:-26658}"
WASM_API_PORT="${VAGUS_WASM_API_PORT:-1317}"
WASM_GRPC_PORT="${VAGUS_WASM_GRPC_PORT:-9090}"
WASM_PROMETHEUS="${VAGUS_WASM_PROMETHEUS:-false}"
WASM_PROMETHEUS_PORT="${VAGUS_WASM_PROMETHEUS_PORT:-26660}"
WASM_TIMEOUT_COMMIT="${VAGUS_WASM_TIMEOUT_COMMIT:-250ms}"
# Per-block info lines (consensus, state, txindex) would write ~20 MB/hour at 4 blocks/s.
WASM_LOG_LEVEL="${VAGUS_WASM_LOG_LEVEL:-consensus:warn,state:warn,txindex:warn,*:info}"
WASM_CHAIN_ID="vagus-localnet-1"
WASM_DENOM="ustake"
WASM_GAS_PRICE="0.025${WASM_DENOM}"
START_TIMEOUT="${VAGUS_LOCALNET_TIMEOUT:-120}"
STOP_TIMEOUT="${VAGUS_LOCALNET_STOP_TIMEOUT:-15}"
ACCOUNTS_FILE="$ROOT/localnet/accounts.json"
CONFIG_TEMPLATE="$ROOT/localnet/wasmd-config.tsv"
GENESIS_FILTER="$ROOT/localnet/genesis.jq"

EVM_DIR="$STATE_DIR/evm"
EVM_PID="$EVM_DIR/hardhat.pid"
EVM_LOG="$EVM_DIR/hardhat.log"
WASM_DIR="$STATE_DIR/wasm"
WASM_HOME="$WASM_DIR/home"
WASM_PID="$WASM_DIR/wasmd.pid"
WASM_LOG="$WASM_DIR/wasmd.log"
WASM_STAMP="$WASM_DIR/initialized.json"
WASM_ACCOUNTS="$WASM_DIR/accounts.json"
ENV_FILE="$STATE_DIR/env"

log() { echo "localnet: $*" >&2; }
die() { echo "localnet: ERROR: $*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }
past() { awk -v d="$1" -v n="$(date +%s.%N)" 'BEGIN { exit !(n >= d) }'; }
deadline_in() { awk -v s="$1" -v n="$(date +%s.%N)" 'BEGIN { printf "%.3f", n + s }'; }

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is required (apt-get install $2)"; }
need curl curl
need jq jq
need setsid util-linux
need flock util-linux

# --- process helpers -------------------------------------------------------------------
# alive <pid...>: true while any of them exists and is not a zombie (an exited child of a
# reaper that has not collected it yet still answers kill -0).
alive() {
  local p st
  for p in "$@"; do
    kill -0 "$p" 2>/dev/null || continue
    st="$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null || echo Z)"
    [ "$st" = Z ] || return 0
  done
  return 1
}

# pid_alive <pidfile> <marker>: the pid in the file runs and its command line contains the
# marker (so a recycled pid of an unrelated process does not count). Removes stale files.
pid_alive() {
  local file="$1" marker="$2" pid
  [ -f "$file" ] || return 1
  pid="$(cat "$file" 2>/dev/null || true)"
  if [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" \
    && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker"; then
    return 0
  fi
  log "removing stale pid file $file (pid ${pid:-?} is not running)"
  rm -f "$file"
  [[ "$pid" =~ ^[0-9]+$ ]] && reap_session "$pid" "$marker"
  return 1
}

# reap_session <sid> <marker>: processes left in the session this script created for a
# dead leader (setsid makes the leader's pid the session id) are stopped too, so an
# orphaned child cannot keep the port. Only processes whose command line has the marker.
reap_session() {
  local sid="$1" marker="$2" p left=()
  for p in $(ps -o pid= --sid "$sid" 2>/dev/null); do
    tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF -- "$marker" && left+=("$p")
  done
  [ "${#left[@]}" -gt 0 ] || return 0
  log "stopping leftover processes of session $sid: ${left[*]}"
  kill -TERM "${left[@]}" 2>/dev/null || true
  local deadline
  deadline="$(deadline_in 5)"
  while alive "${left[@]}" && ! past "$deadline"; do sleep 0.2; done
  kill -KILL "${left[@]}" 2>/dev/null || true
}

# port_open <port>: something accepts TCP connections on 127.0.0.1:<port>.
port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# stop_pidfile <name> <pidfile> <marker>: TERM the process group, then KILL; bounded.
stop_pidfile() {
  local name="$1" file="$2" marker="$3" pid pgid target deadline
  if ! pid_alive "$file" "$marker"; then
    log "$name: not running"
    return 0
  fi
  pid="$(cat "$file")"
  pgid="$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ' || true)"
  # Started with setsid, so the process leads its own group: signal the whole group
  # (npx -> sh -> node, for instance). Otherwise only the process itself.
  if [ "$pgid" = "$pid" ]; then target="-$pid"; else target="$pid"; fi
  log "$name: stopping pid $pid (SIGTERM)"
  kill -TERM -- "$target" 2>/dev/null || true
  deadline="$(deadline_in "$STOP_TIMEOUT")"
  while alive "$pid" && ! past "$deadline"; do sleep 0.2; done
  if alive "$pid"; then
    log "$name: still running after ${STOP_TIMEOUT}s, SIGKILL"
    kill -KILL -- "$target" 2>/dev/null || true
    deadline="$(deadline_in 5)"
    while alive "$pid" && ! past "$deadline"; do sleep 0.2; done
  fi
  # Any stragglers of the group (children that ignored TERM).
  [ "$target" = "-$pid" ] && kill -KILL -- "$target" 2>/dev/null || true
  alive "$pid" && die "$name: pid $pid did not exit"
  rm -f "$file"
  log "$name: stopped"
}

# start_bg <pidfile> <logfile> <cmd...>: run in the background in a new session (own
# process group, no terminal), stdin from /dev/null, output appended to the log.
start_bg() {
  local file="$1" logf="$2"
  shift 2
  {
    echo "===== $(date -u +%Y-%m-%dT%H:%M:%SZ) start: $*"
  } >>"$logf"
  setsid "$@" >>"$logf" 2>&1 </dev/null 8>&- &
  echo "$!" >"$file"
}

# --- EVM (Hardhat node) ----------------------------------------------------------------
EVM_MARKER="hardhat"

evm_rpc() { # <method> [params-json]
  curl -fsS --max-time 2 -H 'content-type: application/json' \
    --data "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":${2:-[]}}" \
    "http://127.0.0.1:$EVM_PORT" 2>/dev/null | jq -er '.result' 2>/dev/null
}

evm_up() {
  local t0 pid deadline chain
  t0=$(now)
  mkdir -p "$EVM_DIR"
  if pid_alive "$EVM_PID" "$EVM_MARKER"; then
    if evm_rpc eth_chainId >/dev/null; then
      log "evm: already running (pid $(cat "$EVM_PID")), http://127.0.0.1:$EVM_PORT"
      return 0
    fi
    log "evm: pid $(cat "$EVM_PID") runs but does not answer yet; waiting"
  else
    if port_open "$EVM_PORT"; then
      die "evm: 127.0.0.1:$EVM_PORT is taken by a process this script did not start (another localnet, another checkout?). Stop it, or set VAGUS_EVM_PORT."
    fi
    [ -x "$ROOT/node_modules/.bin/hardhat" ] || die "evm: node_modules/.bin/hardhat missing; run scripts/install.sh (or npm ci) first"
    # What `npx hardhat node` runs, minus npx's npm and sh wrappers, so the pid file names
    # the server itself.
    (cd "$ROOT" && start_bg "$EVM_PID" "$EVM_LOG" \
      "$ROOT/node_modules/.bin/hardhat" node --hostname 127.0.0.1 --port "$EVM_PORT")
    log "evm: started pid $(cat "$EVM_PID"): hardhat node --hostname 127.0.0.1 --port $EVM_PORT (network 'hardhat' of hardhat.config.ts)"
  fi
  pid="$(cat "$EVM_PID")"
  deadline="$(deadline_in "$START_TIMEOUT")"
  until chain="$(evm_rpc eth_chainId)"; do
    if ! alive "$pid"; then
      tail -n 30 "$EVM_LOG" >&2 || true
      rm -f "$EVM_PID"
      die "evm: hardhat node exited during startup; log: $EVM_LOG"
    fi
    past "$deadline" && { tail -n 30 "$EVM_LOG" >&2; die "evm: no eth_chainId answer within ${START_TIMEOUT}s; log: $EVM_LOG"; }
    sleep 0.25
  done
  log "evm: ready in $(elapsed "$t0"): http://127.0.0.1:$EVM_PORT chainId $((chain)) (log: $EVM_LOG)"
}

evm_status() {
  if pid_alive "$EVM_PID" "$EVM_MARKER"; then
    local chain block
    if chain="$(evm_rpc eth_chainId)"; then
      block="$(evm_rpc eth_blockNumber || echo 0x0)"
      echo "evm   running  pid $(cat "$EVM_PID")  http://127.0.0.1:$EVM_PORT  chainId $((chain))  block $((block))  log $EVM_LOG"
      return 0
    fi
    echo "evm   STARTING/UNRESPONSIVE  pid $(cat "$EVM_PID")  http://127.0.0.1:$EVM_PORT  log $EVM_LOG"
    return 3
  fi
  if port_open "$EVM_PORT"; then
    echo "evm   stopped (but 127.0.0.1:$EVM_PORT is taken by another process)"
  else
    echo "evm   stopped"
  fi
  return 3
}

# --- CosmWasm (wasmd) ------------------------------------------------------------------
WASMD_BIN=""
WASMD_LIB=""

wasmd_resolve() {
  [ -n "$WASMD_BIN" ] && return 0
  WASMD_BIN="$(bash "$ROOT/scripts/build-wasmd.sh" --print-bin)" || die "wasm: building wasmd failed"
  WASMD_LIB="$(cd "$(dirname "$WASMD_BIN")/../lib" && pwd)"
}

wasmd() {
  LD_LIBRARY_PATH="$WASMD_LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$WASMD_BIN" "$@" --home "$WASM_HOME"
}

wasm_status_json() {
  curl -fsS --max-time 2 "http://127.0.0.1:$WASM_RPC_PORT/status" 2>/dev/null
}
wasm_height() {
  wasm_status_json | jq -er '.result.sync_info.latest_block_height | tonumber' 2>/dev/null
}

# toml_set <file> <section|-> <key> <value>: set key = value inside [section] (or at top
# level for "-"), replacing an existing line or appending the key to the section.
toml_set() {
  local file="$1" section="$2" key="$3" value="$4" tmp
  tmp="$(mktemp "$file.XXXXXX")"
  awk -v section="$section" -v key="$key" -v value="$value" '
    function flush_missing() { if (in_sec && !done) { print key " = " value; done = 1 } }
    BEGIN { in_sec = (section == "-"); done = 0 }
    /^[[:space:]]*\[/ {
      flush_missing()
      hdr = $0; sub(/^[[:space:]]*\[/, "", hdr); sub(/\].*$/, "", hdr)
      in_sec = (hdr == section)
      print; next
    }
    in_sec && !done && $0 ~ "^[[:space:]]*" key "[[:space:]]*=" { print key " = " value; done = 1; next }
    { print }
    END { flush_missing(); if (!done) exit 3 }
  ' "$file" >"$tmp" || { rm -f "$tmp"; die "wasm: cannot set $key in [$section] of $file"; }
  mv -f "$tmp" "$file"
}

expand_vars() { # replaces ${NAME} by the value of this script's variable NAME
  local s="$1" name
  while [[ "$s" =~ \$\{([A-Z_][A-Z0-9_]*)\} ]]; do
    name="${BASH_REMATCH[1]}"
    [ -n "${!name+x}" ] || die "wasm: $CONFIG_TEMPLATE uses unknown variable \${$name}"
    s="${s//\$\{$name\}/${!name}}"
  done
  printf '%s' "$s"
}

wasm_apply_config() {
  local file section key value n=0
  while read -r file section key value; do
    case "$file" in '' | '#'*) continue ;; esac
    [ -f "$WASM_HOME/config/$file" ] || die "wasm: $WASM_HOME/config/$file missing"
    toml_set "$WASM_HOME/config/$file" "$section" "$key" "$(expand_vars "$value")"
    n=$((n + 1))
  done <"$CONFIG_TEMPLATE"
  log "wasm: applied $n settings from ${CONFIG_TEMPLATE#"$ROOT"/}"
}

wasm_init() {
  local t0 name mnemonic balance version gentx_amount
  t0=$(now)
  version="$(wasmd version 2>&1)"
  if [ -f "$WASM_STAMP" ]; then
    local have_version
    have_version="$(jq -r .wasmd "$WASM_STAMP")"
    if [ "$have_version" != "$version" ]; then
      die "wasm: state in $WASM_HOME was created by wasmd $have_version, the binary is $version; run 'scripts/localnet.sh reset wasm' to start a fresh chain"
    fi
    [ -f "$WASM_ACCOUNTS" ] \
      || die "wasm: $WASM_ACCOUNTS missing (state from an older localnet.sh); run 'scripts/localnet.sh reset wasm'"
    return 0
  fi
  log "wasm: creating chain $WASM_CHAIN_ID in $WASM_HOME"
  rm -rf "$WASM_HOME"
  mkdir -p "$WASM_HOME"
  local init_log="$WASM_DIR/init.log"
  : >"$init_log"
  wasmd init vagus-localnet --chain-id "$WASM_CHAIN_ID" --default-denom "$WASM_DENOM" >>"$init_log" 2>&1 \
    || die "wasm: wasmd init failed; see $init_log"
  local genesis="$WASM_HOME/config/genesis.json"
  jq --arg denom "$WASM_DENOM" -f "$GENESIS_FILTER" "$genesis" >"$genesis.tmp" && mv -f "$genesis.tmp" "$genesis"

  # Test accounts (names and balances from localnet/accounts.json): fresh keys for every
  # new chain, so no key material is ever committed. Addresses go to $WASM_ACCOUNTS;
  # each mnemonic to a mode-0600 key file beside it (the toolkit signs with
  # VAGUS_WASM_MNEMONIC_FILE); neither file is printed.
  [ -f "$ACCOUNTS_FILE" ] || die "wasm: $ACCOUNTS_FILE missing"
  local addr key_json keys_dir="$WASM_DIR/keys"
  (umask 077 && mkdir -p "$keys_dir")
  local accounts="[]"
  while IFS=$'\t' read -r name balance; do
    key_json="$(wasmd keys add "$name" --keyring-backend test --output json 2>>"$init_log")" \
      || die "wasm: creating key $name failed; see $init_log"
    addr="$(jq -r .address <<<"$key_json")"
    (umask 077 && jq -r .mnemonic <<<"$key_json" >"$keys_dir/$name.mnemonic")
    wasmd genesis add-genesis-account "$addr" "$balance" >>"$init_log" 2>&1 \
      || die "wasm: funding $name failed; see $init_log"
    accounts="$(jq --arg n "$name" --arg a "$addr" --arg b "$balance" --arg k "$keys_dir/$name.mnemonic" \
      '. + [{name: $n, address: $a, balance: $b, mnemonic_file: $k}]' <<<"$accounts")"
  done < <(jq -r '.accounts[] | [.name, .balance] | @tsv' "$ACCOUNTS_FILE")
  jq -n --arg chain "$WASM_CHAIN_ID" --argjson accounts "$accounts" \
    '{chain_id: $chain, bech32_prefix: "wasm", keyring_backend: "test", accounts: $accounts}' \
    >"$WASM_ACCOUNTS.tmp" && mv -f "$WASM_ACCOUNTS.tmp" "$WASM_ACCOUNTS"

  gentx_amount="100000000000$WASM_DENOM"
  wasmd genesis gentx validator "$gentx_amount" --chain-id "$WASM_CHAIN_ID" --keyring-backend test \
    >>"$init_log" 2>&1 || die "wasm: gentx failed; see $init_log"
  wasmd genesis collect-gentxs >>"$init_log" 2>&1 || die "wasm: collect-gentxs failed; see $init_log"
  wasmd genesis validate-genesis >>"$init_log" 2>&1 || die "wasm: genesis invalid; see $init_log"
  jq -n --arg wasmd "$version" --arg chain "$WASM_CHAIN_ID" --arg at "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    '{wasmd: $wasmd, chain_id: $chain, created_at: $at}' >"$WASM_STAMP"
  log "wasm: genesis ready in $(elapsed "$t0")"
}

wasm_write_env() {
  mkdir -p "$STATE_DIR"
  cat >"$ENV_FILE.tmp" <<EOF
# Written by scripts/localnet.sh up; source it: . $ENV_FILE
export VAGUS_EVM_RPC=http://127.0.0.1:$EVM_PORT
export VAGUS_EVM_CHAIN_ID=31337
export VAGUS_WASM_RPC=http://127.0.0.1:$WASM_RPC_PORT
export VAGUS_WASM_REST=http://127.0.0.1:$WASM_API_PORT
export VAGUS_WASM_GRPC=127.0.0.1:$WASM_GRPC_PORT
export VAGUS_WASM_CHAIN_ID=$WASM_CHAIN_ID
export VAGUS_WASM_DENOM=$WASM_DENOM
export VAGUS_WASM_GAS_PRICE=$WASM_GAS_PRICE
export VAGUS_WASM_ACCOUNTS=$WASM_ACCOUNTS
export VAGUS_WASMD_BIN=$WASMD_BIN
export VAGUS_WASMD_LIB=$WASMD_LIB
export VAGUS_WASMD_HOME=$WASM_HOME
EOF
  mv -f "$ENV_FILE.tmp" "$ENV_FILE"
}

wasm_up() {
  local t0 pid deadline h=0
  t0=$(now)
  mkdir -p "$WASM_DIR"
  wasmd_resolve
  wasm_write_env
  if pid_alive "$WASM_PID" "$WASM_HOME"; then
    if h="$(wasm_height)" && [ "$h" -ge 2 ]; then
      log "wasm: already running (pid $(cat "$WASM_PID")), height $h, http://127.0.0.1:$WASM_RPC_PORT"
      return 0
    fi
    log "wasm: pid $(cat "$WASM_PID") runs but is not producing blocks yet; waiting"
  else
    local port
    for port in "$WASM_RPC_PORT" "$WASM_P2P_PORT" "$WASM_API_PORT" "$WASM_GRPC_PORT"; do
      port_open "$port" && die "wasm: 127.0.0.1:$port is taken by a process this script did not start (another localnet?). Stop it, or set the VAGUS_WASM_*_PORT variables."
    done
    wasm_init
    wasm_apply_config
    start_bg "$WASM_PID" "$WASM_LOG" \
      env LD_LIBRARY_PATH="$WASMD_LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
      "$WASMD_BIN" start --home "$WASM_HOME" --log_level "$WASM_LOG_LEVEL" --log_format plain --log_no_color --trace
    log "wasm: started pid $(cat "$WASM_PID"): wasmd start --home $WASM_HOME"
  fi
  pid="$(cat "$WASM_PID")"
  deadline="$(deadline_in "$START_TIMEOUT")"
  # Ready = at least height 2 AND a block committed by this process: a restarted node
  # reports its stored height at once, before consensus runs again.
  local first=""
  while :; do
    h="$(wasm_height || echo -1)"
    if [ "$h" -ge 0 ]; then
      [ -n "$first" ] || first="$h"
      [ "$h" -ge 2 ] && [ "$h" -gt "$first" ] && break
    fi
    if ! alive "$pid"; then
      tail -n 40 "$WASM_LOG" >&2 || true
      rm -f "$WASM_PID"
      die "wasm: wasmd exited during startup; log: $WASM_LOG"
    fi
    past "$deadline" && { tail -n 40 "$WASM_LOG" >&2; die "wasm: height < 2 after ${START_TIMEOUT}s (height $h); log: $WASM_LOG"; }
    sleep 0.25
  done
  log "wasm: ready in $(elapsed "$t0"): rpc http://127.0.0.1:$WASM_RPC_PORT, rest http://127.0.0.1:$WASM_API_PORT, grpc 127.0.0.1:$WASM_GRPC_PORT, chain $WASM_CHAIN_ID, height $h (log: $WASM_LOG)"
}

wasm_status() {
  if pid_alive "$WASM_PID" "$WASM_HOME"; then
    local st h chain t
    if st="$(wasm_status_json)"; then
      h="$(jq -r .result.sync_info.latest_block_height <<<"$st")"
      t="$(jq -r .result.sync_info.latest_block_time <<<"$st")"
      chain="$(jq -r .result.node_info.network <<<"$st")"
      echo "wasm  running  pid $(cat "$WASM_PID")  rpc http://127.0.0.1:$WASM_RPC_PORT  rest http://127.0.0.1:$WASM_API_PORT  grpc 127.0.0.1:$WASM_GRPC_PORT  chain $chain  height $h ($t)  log $WASM_LOG"
      return 0
    fi
    echo "wasm  STARTING/UNRESPONSIVE  pid $(cat "$WASM_PID")  rpc http://127.0.0.1:$WASM_RPC_PORT  log $WASM_LOG"
    return 3
  fi
  if port_open "$WASM_RPC_PORT"; then
    echo "wasm  stopped (but 127.0.0.1:$WASM_RPC_PORT is taken by another process)"
  else
    echo "wasm  stopped$([ -f "$WASM_STAMP" ] && echo " (state kept in $WASM_HOME)")"
  fi
  return 3
}

# --- commands --------------------------------------------------------------------------
cmd="${1:-}"
which="${2:-all}"
case "$which" in evm | wasm | all) ;; *) die "unknown chain '$which' (evm, wasm or all)" ;; esac
sel() { [ "$which" = all ] || [ "$which" = "$1" ]; }

# up/down/reset of one state dir run one at a time (two terminals, or CI and a human).
lock_state() {
  mkdir -p "$STATE_DIR"
  exec 8>"$STATE_DIR/.lock"
  if ! flock -n 8; then
    log "another localnet.sh up/down/reset runs on $STATE_DIR; waiting (up to 30 min)"
    flock -w 1800 8 || die "timed out waiting for $STATE_DIR/.lock"
  fi
}

case "$cmd" in
  up)
    T0=$(now)
    lock_state
    # wasm first: it may need a (long) first build of wasmd.
    sel wasm && wasm_up
    sel evm && evm_up
    [ -f "$ENV_FILE" ] || { wasmd_resolve; wasm_write_env; }
    log "up ($which) in $(elapsed "$T0"); logs under $STATE_DIR; environment: . $ENV_FILE"
    ;;
  down)
    lock_state
    sel evm && stop_pidfile evm "$EVM_PID" "$EVM_MARKER"
    sel wasm && stop_pidfile wasm "$WASM_PID" "$WASM_HOME"
    true
    ;;
  status)
    rc=0
    if sel evm; then evm_status || rc=3; fi
    if sel wasm; then wasm_status || rc=3; fi
    exit "$rc"
    ;;
  logs)
    n="${LINES:-60}"
    for c in evm wasm; do
      sel "$c" || continue
      f="$EVM_LOG"; [ "$c" = wasm ] && f="$WASM_LOG"
      echo "===== $c: $f (last $n lines; follow with: tail -f $f)"
      if [ -f "$f" ]; then tail -n "$n" "$f"; else echo "(no log yet)"; fi
    done
    ;;
  reset)
    lock_state
    sel evm && { stop_pidfile evm "$EVM_PID" "$EVM_MARKER"; rm -rf "$EVM_DIR"; }
    sel wasm && { stop_pidfile wasm "$WASM_PID" "$WASM_HOME"; rm -rf "$WASM_DIR"; }
    [ "$which" = all ] && rm -f "$ENV_FILE"
    log "reset ($which): state removed"
    ;;
  env)
    [ -f "$ENV_FILE" ] || die "no $ENV_FILE yet; run 'scripts/localnet.sh up' first"
    cat "$ENV_FILE"
    ;;
  -h | --help | help | "")
    sed -n '2,27p' "$0"
    [ -n "$cmd" ] || exit 2
    ;;
  *) die "unknown command '$cmd' (up, down, status, logs, reset, env)" ;;
esac
