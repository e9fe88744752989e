#!/usr/bin/env bash
# Submits a wasmd governance proposal that pins (or unpins) CosmWasm codes in the node's
# wasmvm memory cache (x/wasm MsgPinCodes / MsgUnpinCodes; the gov module is the only
# authority that may send them). Pinned codes are charged 2,000 SDK gas per VM call instead
# of 60,000 (docs/operations/pinning.md). Prints the proposal id.
#
# Usage: scripts/wasm-pin-codes.sh [--unpin] [--vote-from KEY] [--wait] CODE_ID...
#   --unpin          propose MsgUnpinCodes instead
#   --vote-from KEY  also vote yes from KEY (a localnet, where one validator holds the stake)
#   --wait           wait until the proposal leaves the voting period; exit 0 only if it passed
# Env (all required unless said; `. $VAGUS_LOCALNET_DIR/env` sets them for the localnet):
#   VAGUS_WASMD_BIN, VAGUS_WASMD_HOME (keyring: --keyring-backend test for a localnet),
#   VAGUS_WASM_RPC (http://host:port), VAGUS_WASM_CHAIN_ID, VAGUS_WASM_GAS_PRICE,
#   VAGUS_WASMD_LIB (optional: libwasmvm's folder),
#   VAGUS_PIN_FROM (proposer key name, default validator), VAGUS_PIN_DEPOSIT (default: the
#   chain's gov min_deposit), VAGUS_KEYRING_BACKEND (default test).
# Everything is checked before a transaction is sent: code ids (positive integers, no
# duplicates, each stored on the chain and not already in the wanted state), keys, node.
set -euo pipefail

die() { echo "wasm-pin-codes: ERROR: $*" >&2; exit 1; }
log() { echo "wasm-pin-codes: $*" >&2; }

unpin=0
vote_from=""
wait_result=0
ids=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    --unpin) unpin=1 ;;
    --vote-from) [ $# -ge 2 ] || die "--vote-from needs a key name"; vote_from="$2"; shift ;;
    --wait) wait_result=1 ;;
    --*) die "unknown option $1 (see --help)" ;;
    *) [[ "$1" =~ ^[1-9][0-9]{0,18}$ ]] || die "code id '$1' is not a positive integer"
       for x in "${ids[@]}"; do [ "$x" != "$1" ] || die "code id $1 given twice"; done
       ids+=("$1") ;;
  esac
  shift
done
[ "${#ids[@]}" -gt 0 ] || die "no code id given (see --help)"
for v in VAGUS_WASMD_BIN VAGUS_WASMD_HOME VAGUS_WASM_RPC VAGUS_WASM_CHAIN_ID VAGUS_WASM_GAS_PRICE; do
  [ -n "${!v:-}" ] || die "$v is not set (for the localnet: . \$VAGUS_LOCALNET_DIR/env)"
done
command -v jq >/dev/null || die "jq is required"
[ -x "$VAGUS_WASMD_BIN" ] || die "VAGUS_WASMD_BIN=$VAGUS_WASMD_BIN is not an executable"
[ -z "${VAGUS_WASMD_LIB:-}" ] || export LD_LIBRARY_PATH="$VAGUS_WASMD_LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

node="tcp://${VAGUS_WASM_RPC#http://}"
from="${VAGUS_PIN_FROM:-validator}"
keyring=(--home "$VAGUS_WASMD_HOME" --keyring-backend "${VAGUS_KEYRING_BACKEND:-test}")
q() { "$VAGUS_WASMD_BIN" q "$@" --node "$node" -o json; }
tx=(--node "$node" --chain-id "$VAGUS_WASM_CHAIN_ID" --gas auto --gas-adjustment 2
    --gas-prices "$VAGUS_WASM_GAS_PRICE" -y -o json "${keyring[@]}")

for k in "$from" ${vote_from:+"$vote_from"}; do
  "$VAGUS_WASMD_BIN" keys show "$k" -a "${keyring[@]}" >/dev/null 2>&1 \
    || die "no key '$k' in the keyring of $VAGUS_WASMD_HOME"
done
pinned="$(q wasm pinned 2>/dev/null | jq -r '.code_ids[]?')" || die "node $node does not answer"
for id in "${ids[@]}"; do
  q wasm code-info "$id" >/dev/null 2>&1 || die "code $id is not stored on $VAGUS_WASM_CHAIN_ID"
  if grep -qx "$id" <<<"$pinned"; then
    [ "$unpin" -eq 1 ] || die "code $id is already pinned"
  else
    [ "$unpin" -eq 0 ] || die "code $id is not pinned"
  fi
done
deposit="${VAGUS_PIN_DEPOSIT:-$(q gov params | jq -r '.params.min_deposit[0] | .amount + .denom')}"
[[ "$deposit" =~ ^[0-9]+[a-zA-Z/]+$ ]] || die "deposit '$deposit' is not an amount with a denom"

kind=pin-codes; [ "$unpin" -eq 0 ] || kind=unpin-codes
# The tx result is read by hash: `sync` returns before the block, so poll the node.
# (--gas auto prints its estimate on stderr.)
res="$("$VAGUS_WASMD_BIN" tx wasm submit-proposal "$kind" "${ids[@]}" \
  --title "${kind} ${ids[*]}" --summary "x/wasm ${kind} for codes ${ids[*]}" \
  --deposit "$deposit" --from "$from" "${tx[@]}" 2>/dev/null)" || die "submit-proposal was refused"
hash="$(jq -r .txhash <<<"$res")"
[ "$(jq -r .code <<<"$res")" = 0 ] || die "submit-proposal: $(jq -r .raw_log <<<"$res")"
wait_tx() {
  local out
  for _ in $(seq 1 60); do
    if out="$(q tx "$1" 2>/dev/null)"; then echo "$out"; return 0; fi
    sleep 0.5
  done
  die "tx $1 was not included within 30 s"
}
included="$(wait_tx "$hash")"
[ "$(jq -r .code <<<"$included")" = 0 ] || die "proposal tx $hash failed: $(jq -r .raw_log <<<"$included")"
id="$(jq -r '[.events[] | select(.type=="submit_proposal") | .attributes[] | select(.key=="proposal_id") | .value][0]' <<<"$included")"
[[ "$id" =~ ^[0-9]+$ ]] || die "tx $hash has no proposal_id"
log "proposal $id submitted (tx $hash): $kind ${ids[*]}"
echo "$id"

if [ -n "$vote_from" ]; then
  v="$("$VAGUS_WASMD_BIN" tx gov vote "$id" yes --from "$vote_from" "${tx[@]}" 2>/dev/null)" || die "vote was refused"
  [ "$(jq -r .code <<<"$v")" = 0 ] || die "vote: $(jq -r .raw_log <<<"$v")"
  vi="$(wait_tx "$(jq -r .txhash <<<"$v")")"
  [ "$(jq -r .code <<<"$vi")" = 0 ] || die "vote tx failed: $(jq -r .raw_log <<<"$vi")"
  log "voted yes from $vote_from"
fi
if [ "$wait_result" -eq 1 ]; then
  end="$(q gov proposal "$id" | jq -r '.proposal.voting_end_time')"
  log "waiting for the end of the voting period ($end)"
  while :; do
    status="$(q gov proposal "$id" | jq -r '.proposal.status')"
    case "$status" in
      PROPOSAL_STATUS_PASSED) log "proposal $id passed"; exit 0 ;;
      PROPOSAL_STATUS_REJECTED|PROPOSAL_STATUS_FAILED) die "proposal $id: $status" ;;
    esac
    sleep 1
  done
fi
