#!/usr/bin/env bash
# Smoke test of the CosmWasm artifacts on a real wasmd (wasmvm 2.2) localnet:
#   store rate_limiter.wasm and circuit_breaker.wasm (on-chain checksums must equal
#   artifacts/wasm/checksums.txt), instantiate both, grant the consumer role, consume
#   three times against capacity 2 (2 allowed, the 3rd a recorded denial, not an error),
#   query usage and counters; a stranger's consume must fail with vagus:1001, both in
#   simulation and when forced into a block, and leave no state behind.
#
# Needs: scripts/localnet.sh up wasm (this script does not start or stop the chain).
# Builds the artifacts with scripts/build-wasm.sh when they are missing.
# Exit status: 0 when every check passes, 1 otherwise.
#
# Env: VAGUS_LOCALNET_DIR (default .localnet), VAGUS_SMOKE_TX_TIMEOUT (default 30 s)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
T0=$(date +%s.%N)

STATE_DIR="${VAGUS_LOCALNET_DIR:-.localnet}"
case "$STATE_DIR" in /*) ;; *) STATE_DIR="$ROOT/$STATE_DIR" ;; esac
ENV_FILE="$STATE_DIR/env"
TX_TIMEOUT="${VAGUS_SMOKE_TX_TIMEOUT:-30}"

PASS=0
say() { echo "wasmd-smoke: $*" >&2; }
fail() { echo "wasmd-smoke: FAIL: $*" >&2; exit 1; }
ok() { PASS=$((PASS + 1)); echo "  ok $PASS - $*" >&2; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'; }

command -v jq >/dev/null || fail "jq is required"
command -v python3 >/dev/null || fail "python3 is required (decoding of tx data)"
[ -f "$ENV_FILE" ] || fail "no $ENV_FILE: start the localnet first (scripts/localnet.sh up wasm)"
# shellcheck disable=SC1090
. "$ENV_FILE"
curl -fsS --max-time 3 "$VAGUS_WASM_RPC/status" >/dev/null \
  || fail "wasmd does not answer at $VAGUS_WASM_RPC (scripts/localnet.sh up wasm; scripts/localnet.sh status)"

# --- artifacts ---------------------------------------------------------------------------
ART="$ROOT/artifacts/wasm"
if [ ! -f "$ART/rate_limiter.wasm" ] || [ ! -f "$ART/circuit_breaker.wasm" ]; then
  say "artifacts missing: bash scripts/build-wasm.sh --no-schema"
  bash scripts/build-wasm.sh --no-schema >&2 || fail "scripts/build-wasm.sh failed"
fi
for f in rate_limiter circuit_breaker; do [ -f "$ART/$f.wasm" ] || fail "$ART/$f.wasm missing after build"; done

# --- helpers -----------------------------------------------------------------------------
wasmd() {
  LD_LIBRARY_PATH="$VAGUS_WASMD_LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    "$VAGUS_WASMD_BIN" "$@" --home "$VAGUS_WASMD_HOME"
}
addr() { jq -er --arg n "$1" '.accounts[] | select(.name == $n) | .address' "$VAGUS_WASM_ACCOUNTS"; }
TX_FLAGS=(--chain-id "$VAGUS_WASM_CHAIN_ID" --node "tcp://${VAGUS_WASM_RPC#http://}"
  --keyring-backend test --gas-prices "$VAGUS_WASM_GAS_PRICE" -y --output json -b sync)
Q_FLAGS=(--node "tcp://${VAGUS_WASM_RPC#http://}" --output json)

# wait_tx <hash>: the committed tx result (bounded wait), read from CometBFT's /tx and
# shaped like the CLI's TxResponse: {code, raw_log, gas_used, events, data (base64)}.
wait_tx() {
  local hash="$1" deadline out
  deadline=$(awk -v s="$TX_TIMEOUT" -v n="$(date +%s)" 'BEGIN { print n + s }')
  while [ "$(date +%s)" -lt "$deadline" ]; do
    if out="$(curl -fsS --max-time 3 "$VAGUS_WASM_RPC/tx?hash=0x$hash" 2>/dev/null)" \
      && jq -e '.result.tx_result' <<<"$out" >/dev/null 2>&1; then
      jq -c '.result | {txhash: .hash, height, code: .tx_result.code, raw_log: .tx_result.log,
        gas_used: .tx_result.gas_used, events: .tx_result.events, data: (.tx_result.data // "")}' <<<"$out"
      return 0
    fi
    sleep 0.2
  done
  fail "tx $hash not committed within ${TX_TIMEOUT}s"
}

# tx <from> <wasmd tx args...>: broadcast with simulated gas, wait, require code 0;
# prints the committed result JSON.
tx() {
  local from="$1" out code hash res errf
  shift
  errf="$(mktemp)"
  # stdout is the JSON result; stderr carries "gas estimate: N" and errors.
  if ! out="$(wasmd tx "$@" --from "$from" --gas auto --gas-adjustment 1.4 "${TX_FLAGS[@]}" 2>"$errf")"; then
    fail "tx $* (from $from) rejected: $(cat "$errf") $out"
  fi
  rm -f "$errf"
  code="$(jq -r '.code' <<<"$out" 2>/dev/null || echo '?')"
  [ "$code" = 0 ] || fail "tx $* (from $from) refused by CheckTx (code $code): $out"
  hash="$(jq -r .txhash <<<"$out")"
  res="$(wait_tx "$hash")"
  code="$(jq -r .code <<<"$res")"
  [ "$code" = 0 ] || fail "tx $hash failed in block (code $code): $(jq -r .raw_log <<<"$res")"
  printf '%s' "$res"
}

# event_attr <result-json> <event-type> <key>: first value of that attribute.
event_attr() {
  jq -er --arg t "$2" --arg k "$3" \
    '[.events[] | select(.type == $t) | .attributes[] | select(.key == $k) | .value][0] // empty' <<<"$1"
}

smart() { # <contract> <query-json> -> .data
  wasmd query wasm contract-state smart "$1" "$2" "${Q_FLAGS[@]}" | jq -c .data
}

# The contract's response data (JSON) from a committed execute result: tx data is the
# base64 of TxMsgData{msg_responses: [MsgExecuteContractResponse{data}]}; the JSON is the
# innermost bytes, so it is found by pattern rather than by a protobuf decoder.
exec_data() {
  python3 -c 'import sys, base64, re
raw = base64.b64decode(sys.argv[1])
m = re.search(rb"\{.*\}", raw, re.S)
print(m.group(0).decode() if m else "")' "$(jq -r .data <<<"$1")"
}

# --- accounts ------------------------------------------------------------------------------
DEPLOYER="$(addr deployer)"
CONSUMER="$(addr consumer)"
STRANGER="$(addr alice)"
say "chain $VAGUS_WASM_CHAIN_ID at $VAGUS_WASM_RPC, wasmd $(wasmd version 2>&1), libwasmvm $(wasmd query wasm libwasmvm-version 2>&1)"
[[ "$(wasmd query wasm libwasmvm-version 2>&1)" == 2.2.* ]] || fail "the node's libwasmvm is not 2.2.x"
ok "node runs libwasmvm 2.2.x"

# --- store ---------------------------------------------------------------------------------
declare -A CODE_ID
for name in rate_limiter circuit_breaker; do
  T=$(date +%s.%N)
  res="$(tx deployer wasm store "$ART/$name.wasm")"
  id="$(event_attr "$res" store_code code_id)" || fail "no code_id in store result of $name"
  onchain="$(event_attr "$res" store_code code_checksum)"
  local_sum="$(sha256sum "$ART/$name.wasm" | cut -d' ' -f1)"
  [ "$onchain" = "$local_sum" ] || fail "$name: on-chain checksum $onchain != local $local_sum"
  if [ -f "$ART/checksums.txt" ]; then
    grep -q "^$local_sum  $name.wasm\$" "$ART/checksums.txt" || fail "$name.wasm does not match artifacts/wasm/checksums.txt"
  fi
  CODE_ID[$name]="$id"
  ok "stored $name.wasm as code $id ($(stat -c %s "$ART/$name.wasm") bytes, gas $(jq -r .gas_used <<<"$res"), $(elapsed "$T")), checksum $local_sum"
done

# --- rate limiter ------------------------------------------------------------------------------
INIT="$(jq -nc --arg admin "$DEPLOYER" '{admin: $admin, default_config: {capacity: 2, window: 60, buckets: 6}}')"
res="$(tx deployer wasm instantiate "${CODE_ID[rate_limiter]}" "$INIT" --label "vagus-smoke-rate-limiter-$(date +%s%N)" --admin "$DEPLOYER")"
RL="$(event_attr "$res" instantiate _contract_address)" || fail "no contract address in instantiate result"
ok "instantiated rate limiter at $RL"

[ "$(smart "$RL" '{"default_config":{}}')" = '{"capacity":2,"window":60,"buckets":6}' ] \
  || fail "default_config query: $(smart "$RL" '{"default_config":{}}')"
ok "default_config is {capacity 2, window 60, buckets 6}"

tx deployer wasm execute "$RL" "$(jq -nc --arg a "$CONSUMER" '{grant_role: {role: "consumer", account: $a}}')" >/dev/null
[ "$(smart "$RL" "$(jq -nc --arg a "$CONSUMER" '{has_role: {role: "consumer", account: $a}}')" | jq -r .has_role)" = true ] \
  || fail "consumer does not hold the consumer role after grant_role"
ok "granted consumer role to $CONSUMER"

EXEC_ID=7
ACTION_ID="$(printf 'ab%.0s' $(seq 32))"
CONSUME="$(jq -nc --arg e "$EXEC_ID" --arg a "$ACTION_ID" '{consume: {executor_id: $e, action_id: $a}}')"
PAIR="$(jq -nc --arg e "$EXEC_ID" --arg a "$ACTION_ID" '{executor_id: $e, action_id: $a}')"

for i in 1 2; do
  res="$(tx consumer wasm execute "$RL" "$CONSUME")"
  data="$(exec_data "$res")"
  [ "$(jq -c . <<<"$data")" = '{"allowed":true,"retry_at":"0"}' ] || fail "consume #$i response data: '$data'"
  ok "consume #$i allowed (data $data, gas $(jq -r .gas_used <<<"$res"))"
done
res="$(tx consumer wasm execute "$RL" "$CONSUME")"
data="$(exec_data "$res")"
[ "$(jq -r .allowed <<<"$data")" = false ] || fail "consume #3 should be denied: '$data'"
[ "$(jq -r '.retry_at | tonumber' <<<"$data")" -gt 0 ] || fail "consume #3 denial without retry_at: '$data'"
[ "$(event_attr "$res" wasm-consume_denied code)" = 2100 ] || fail "consume #3: no wasm-consume_denied event with code 2100"
ok "consume #3 denied without revert (data $data, event wasm-consume_denied code 2100)"

usage="$(smart "$RL" "{\"usage\":$PAIR}")"
[ "$(jq -r .used <<<"$usage")" = 2 ] && [ "$(jq -r .capacity <<<"$usage")" = 2 ] \
  && [ "$(jq -r '.retry_at | tonumber' <<<"$usage")" -gt 0 ] || fail "usage query: $usage"
ok "usage: $usage"
counters="$(smart "$RL" "{\"counters\":$PAIR}")"
[ "$counters" = '{"requests":"3","rejections":"1"}' ] || fail "counters query: $counters"
ok "counters: $counters"

# --- unauthorized caller -----------------------------------------------------------------------
out="$(wasmd tx wasm execute "$RL" "$CONSUME" --from alice --gas auto "${TX_FLAGS[@]}" 2>&1)" \
  && fail "stranger's consume passed simulation: $out"
grep -q "vagus:1001" <<<"$out" || fail "stranger's consume failed without vagus:1001: $out"
ok "stranger $STRANGER: consume refused in simulation with $(grep -o 'vagus:1001[^:]*' <<<"$out" | head -1)"

# Fixed gas skips simulation, so the contract runs inside a block and fails there.
out="$(wasmd tx wasm execute "$RL" "$CONSUME" --from alice --gas 400000 "${TX_FLAGS[@]}" 2>/dev/null)" \
  || fail "stranger's fixed-gas tx not broadcast: $out"
[ "$(jq -r .code <<<"$out")" = 0 ] || fail "stranger's tx refused by CheckTx: $out"
res="$(wait_tx "$(jq -r .txhash <<<"$out")")"
[ "$(jq -r .code <<<"$res")" != 0 ] || fail "stranger's consume succeeded in a block"
grep -q "vagus:1001" <<<"$(jq -r .raw_log <<<"$res")" || fail "in-block failure without vagus:1001: $(jq -r .raw_log <<<"$res")"
ok "stranger: in-block consume failed (code $(jq -r .code <<<"$res")) with vagus:1001"
[ "$(smart "$RL" "{\"counters\":$PAIR}")" = '{"requests":"3","rejections":"1"}' ] \
  || fail "failed tx changed state: $(smart "$RL" "{\"counters\":$PAIR}")"
ok "failed tx left counters unchanged"

# --- circuit breaker ---------------------------------------------------------------------------
CB_INIT="$(jq -nc --arg admin "$DEPLOYER" '{admin: $admin, config: {failure_threshold: 3, cooldown: 60, half_open_max_probes: 1, success_threshold: 1}}')"
res="$(tx deployer wasm instantiate "${CODE_ID[circuit_breaker]}" "$CB_INIT" --label "vagus-smoke-circuit-breaker-$(date +%s%N)" --admin "$DEPLOYER")"
CB="$(event_attr "$res" instantiate _contract_address)" || fail "no circuit breaker address"
[ "$(smart "$CB" '{"config":{}}')" = '{"failure_threshold":3,"cooldown":60,"half_open_max_probes":1,"success_threshold":1}' ] \
  || fail "circuit breaker config query: $(smart "$CB" '{"config":{}}')"
[ "$(smart "$CB" "{\"status\":$PAIR}" | jq -r .state)" = 0 ] || fail "new breaker not CLOSED"
ok "instantiated circuit breaker at $CB (config round-trips, pair CLOSED)"

say "PASS: $PASS checks in $(elapsed "$T0")"
